using System.Collections.Concurrent;
using System.Diagnostics;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Benchmarks.Scale;

/// <summary>
/// Watches (as the driver, outside the operator) ApplicationKeys and managed Secrets in one namespace and records
/// when each key first reports Ready=True and when each Secret first appears, on a <see cref="Stopwatch"/> clock.
/// </summary>
internal sealed class ReadyTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> keysReady = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> secretsSeen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Task keysLoop;
    private readonly Task secretsLoop;
    private int readyCount;

    public ReadyTracker(IResourceClient<V1Alpha1ApplicationKey> keys, IResourceClient<V1Secret> secrets, string @namespace)
    {
        keysLoop = WatchLoopAsync(keys, @namespace, null, OnKey, stop.Token);
        secretsLoop = WatchLoopAsync(secrets, @namespace, $"{AppKeysLabels.ManagedBy}={AppKeysApi.ManagerName}", OnSecret, stop.Token);
    }

    /// <summary>Keys seen Ready so far.</summary>
    public int ReadyCount => Volatile.Read(ref readyCount);

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which <paramref name="name"/> was first seen Ready.</summary>
    public Task<long> KeyReady(string name) => keysReady.GetOrAdd(name, NewSource).Task;

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which Secret <paramref name="name"/> was first seen.</summary>
    public Task<long> SecretSeen(string name) => secretsSeen.GetOrAdd(name, NewSource).Task;

    public async Task WaitForReadyCountAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (ReadyCount < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"only {ReadyCount} of {count} ApplicationKeys became Ready within {timeout}");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(Quietly(keysLoop), Quietly(secretsLoop));
        stop.Dispose();
    }

    private static TaskCompletionSource<long> NewSource(string _) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WatchLoopAsync<T>(IResourceClient<T> client, string @namespace, string? labelSelector, Action<T> observe, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.ListAsync(@namespace, new ListOptions(LabelSelector: labelSelector), cancellationToken);
                    foreach (var item in list.Items)
                    {
                        observe(item);
                    }

                    resourceVersion = list.ResourceVersion;
                }

                await foreach (var e in client.WatchAsync(@namespace, new ListOptions(LabelSelector: labelSelector, ResourceVersion: resourceVersion), 300, cancellationToken))
                {
                    resourceVersion = e.Object.Metadata?.ResourceVersion ?? resourceVersion;
                    if (e.Type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        observe(e.Object);
                    }
                }
            }
            catch (KubernetesApiException)
            {
                // Expired resource version (410) or a transient error: list again.
                resourceVersion = null;
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private void OnKey(V1Alpha1ApplicationKey key)
    {
        var ready = key.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
        if (ready && keysReady.GetOrAdd(key.Metadata.Name, NewSource).TrySetResult(Stopwatch.GetTimestamp()))
        {
            Interlocked.Increment(ref readyCount);
        }
    }

    private void OnSecret(V1Secret secret) =>
        secretsSeen.GetOrAdd(secret.Metadata.Name, NewSource).TrySetResult(Stopwatch.GetTimestamp());
}
