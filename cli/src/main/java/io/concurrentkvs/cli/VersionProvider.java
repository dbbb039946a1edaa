package io.concurrentkvs.cli;

import picocli.CommandLine.IVersionProvider;

/** Supplies {@code kvs --version} from the jar manifest's Implementation-Version. Stateless. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = KvsMain.class.getPackage().getImplementationVersion();
        return new String[] {
            "kvs " + (version != null ? version : "(development build)"),
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
