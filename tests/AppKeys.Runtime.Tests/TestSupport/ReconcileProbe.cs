using System.Collections.Concurrent;
using AppKeys.Runtime.Controllers;
using k8s.Models;

namespace AppKeys.Runtime.Tests.TestSupport;

/// <summary>
/// What a host's <see cref="ProbeReconciler"/> does and what it saw: the test sets <see cref="Body"/> and reads the
/// counters (one probe per host, registered as a singleton).
/// </summary>
internal sealed class ReconcileProbe
{
    private int active;
    private int maxActive;
    private int started;
    private int completed;
    private int cancelled;

    public Func<ReconcileRequest<V1ConfigMap>, ProbeReconciler, CancellationToken, Task<ReconcileResult>> Body { get; set; } =
        (_, _, _) => Task.FromResult(ReconcileResult.Done);

    public ConcurrentQueue<ObjectKey> Keys { get; } = new();

    /// <summary>Free-form notes a <see cref="Body"/> leaves for the test (e.g. which writes succeeded).</summary>
    public ConcurrentQueue<string> Notes { get; } = new();

    public int Started => Volatile.Read(ref started);

    public int Completed => Volatile.Read(ref completed);

    public int Cancelled => Volatile.Read(ref cancelled);

    public int Active => Volatile.Read(ref active);

    public int MaxActive => Volatile.Read(ref maxActive);

    internal async Task<ReconcileResult> RunAsync(ReconcileRequest<V1ConfigMap> request, ProbeReconciler reconciler, CancellationToken cancellationToken)
    {
        Keys.Enqueue(request.Key);
        Interlocked.Increment(ref started);
        var now = Interlocked.Increment(ref active);
        int seen;
        while ((seen = Volatile.Read(ref maxActive)) < now && Interlocked.CompareExchange(ref maxActive, now, seen) != seen)
        {
        }

        try
        {
            var result = await Body(request, reconciler, cancellationToken);
            Interlocked.Increment(ref completed);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref cancelled);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref active);
        }
    }
}
