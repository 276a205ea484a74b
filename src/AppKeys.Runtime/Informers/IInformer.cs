namespace AppKeys.Runtime.Informers;

/// <summary>The kind-independent face of an informer (used by the manager for start-up and readiness).</summary>
public interface IInformer
{
    /// <summary>Display name of the watched resource, e.g. <c>secrets</c>.</summary>
    string ResourceName { get; }

    /// <summary>True once the initial list of every watched namespace has been cached.</summary>
    bool HasSynced { get; }

    /// <summary>Runs list/watch until <paramref name="cancellationToken"/> is cancelled. Called once, by the manager.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Completes once <see cref="HasSynced"/> is true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
