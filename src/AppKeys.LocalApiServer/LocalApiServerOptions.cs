using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer;

/// <summary>Settings of a <see cref="LocalKubernetesApiServer"/>.</summary>
public sealed class LocalApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Keeps the store (snapshot + append-only journal), the CA and serving certificate, the bearer tokens and the
    /// last port in this directory, so a new server on it continues where the previous one stopped (as etcd would).
    /// Null (the default) keeps everything in memory. See docs/local-apiserver.md, "Persistence".
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// With a <see cref="DataDirectory"/>: fsync the journal after every committed write (as etcd does). The default
    /// (false) hands every write to the OS before answering, which survives the process dying but not the machine;
    /// snapshots and shutdown always fsync.
    /// </summary>
    public bool SyncEveryWrite { get; set; }

    /// <summary>With a <see cref="DataDirectory"/>: journal entries after which the store is snapshotted and the journal emptied.</summary>
    public int JournalCompactionEntries { get; set; } = 10_000;

    /// <summary>How many change events each resource keeps for watches that resume from a resourceVersion.</summary>
    public int EventWindow { get; set; } = 1000;

    /// <summary>
    /// Clock of everything time-based on the server: object timestamps (creationTimestamp, deletionTimestamp, table
    /// ages), token expiry, watch <c>timeoutSeconds</c> and bookmarks, and the controller delays below.
    /// </summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Largest accepted request body (kube-apiserver's default is 3 MiB); larger → 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Serve HTTPS with a CA generated at start (the default, as kube-apiserver); false serves plain HTTP.</summary>
    public bool UseHttps { get; set; } = true;

    /// <summary>Interval of BOOKMARK events on watches that ask for them.</summary>
    public TimeSpan WatchBookmarkInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Live events buffered per watcher; a watcher that falls further behind is closed (as kube's cacher does).</summary>
    public int WatchBufferSize { get; set; } = 1000;

    /// <summary>How long a <c>continue</c> token stays valid (kube: until etcd compacts, about 5 minutes).</summary>
    public TimeSpan ContinueTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Authorization hook used when <see cref="Authorization"/> is AllowAll; null allows every authenticated request.</summary>
    public global::AppKeys.LocalApiServer.Authorization.IAuthorizer? Authorizer { get; set; }

    /// <summary>
    /// AllowAll (default) or Rbac: Roles and bindings in the store decide, kube's default roles and bindings are
    /// seeded, <c>system:masters</c> is always allowed. See docs/reliability.md.
    /// </summary>
    public global::AppKeys.LocalApiServer.Authorization.AuthorizationMode Authorization { get; set; } = global::AppKeys.LocalApiServer.Authorization.AuthorizationMode.AllowAll;

    /// <summary>
    /// Turns on kube's OwnerReferencesPermissionEnforcement admission: changing ownerReferences needs <c>delete</c>
    /// on the object, setting <c>blockOwnerDeletion</c> needs <c>update</c> on the owner's <c>finalizers</c>. Off by
    /// default, as in kube-apiserver.
    /// </summary>
    public bool OwnerReferencesPermissionEnforcement { get; set; }

    /// <summary>Seed of the fault injector's random draws (<see cref="LocalKubernetesApiServer.Faults"/>).</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>
    /// How long the garbage collector waits after a dependent's owner is gone (or orphaning/foreground-deleting)
    /// before it deletes the dependent or drops the reference. kube-controller-manager reacts through informers and
    /// work queues, so a real cluster takes a moment; zero (the default, for fast tests) acts right after the write.
    /// </summary>
    public TimeSpan GarbageCollectionDelay { get; set; }

    /// <summary>
    /// How long the namespace controller waits after a namespace starts terminating before it deletes its contents
    /// (kube's namespace controller takes seconds). Zero (the default) starts right after the DELETE.
    /// </summary>
    public TimeSpan NamespaceCleanupDelay { get; set; }

    /// <summary>
    /// Delays of the order of a real kube-controller-manager's (garbage collection 1 s, namespace cleanup 5 s), for
    /// <c>appkeys-apiserver</c> and tests that must not depend on instant cleanup.
    /// </summary>
    public LocalApiServerOptions WithControllerManagerDelays()
    {
        GarbageCollectionDelay = TimeSpan.FromSeconds(1);
        NamespaceCleanupDelay = TimeSpan.FromSeconds(5);
        return this;
    }

    /// <summary>Name of the admin user written to the kubeconfig (member of <c>system:masters</c>).</summary>
    public string AdminUser { get; set; } = "local-admin";
}
