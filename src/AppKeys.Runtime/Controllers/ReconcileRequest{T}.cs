namespace AppKeys.Runtime.Controllers;

/// <summary>One reconcile of one key.</summary>
/// <typeparam name="T">The controller's kind.</typeparam>
/// <param name="Key">The object's namespace/name.</param>
/// <param name="Object">
/// The current state read from the informer cache when the reconcile started: a private deep copy, safe to mutate;
/// null when the object no longer exists (it was deleted; garbage collection handles owned objects).
/// </param>
public sealed record ReconcileRequest<T>(ObjectKey Key, T? Object)
    where T : class;
