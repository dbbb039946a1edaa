/** The interface under the client views and the lookup of backends by URL (internal, not API). */
package io.concurrentkvs.core.internal.backend;
