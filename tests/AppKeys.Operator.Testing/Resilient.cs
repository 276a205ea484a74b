using System.Net;
using System.Net.Sockets;
using AppKeys.Runtime.Client;

namespace AppKeys.Operator.Testing;

/// <summary>
/// The test's own API calls while faults are injected: retried on the transient answers (429, 500, 503, 504,
/// injected 409 on updates, resets) until a generous deadline, like a patient kubectl user.
/// </summary>
public static class Resilient
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var attempt = 0;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline)
            {
                attempt++;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * attempt)));
            }
            catch (Exception e) when (IsTransient(e))
            {
                throw new TimeoutException($"{what}: still failing after {Deadline.TotalSeconds} s", e);
            }
        }
    }

    public static Task CallAsync(Func<Task> call, string what) =>
        CallAsync(
            async () =>
            {
                await call();
                return true;
            },
            what);

    /// <summary>Creates <paramref name="obj"/>; an AlreadyExists after a retry means an earlier attempt got through.</summary>
    public static Task CreateAsync<T>(IResourceClient<T> client, T obj)
        where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> =>
        CallAsync(
            async () =>
            {
                try
                {
                    await client.CreateAsync(obj);
                }
                catch (KubernetesApiException e) when (e.IsAlreadyExists)
                {
                }
            },
            $"create {obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}");

    public static bool IsTransient(Exception e) => e switch
    {
        KubernetesApiException k => k.IsConflict || k.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        HttpRequestException or IOException or SocketException => true,
        TaskCanceledException t => t.InnerException is TimeoutException,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}
