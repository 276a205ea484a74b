namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Runs the key manager's Secret informer and loads what the endpoints need (token keys, endpoint certificate) on
/// every replica, retrying with backoff while the API server is unavailable.
/// </summary>
public sealed class KeyManagerStartup(KeyManagerSecrets secrets, TokenKeyStore tokenKeys, EndpointCertificates certificates, TimeProvider time, ILogger<KeyManagerStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var informer = Task.Run(() => secrets.Informer.RunAsync(stoppingToken), CancellationToken.None);
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await secrets.Informer.WaitForSyncAsync(stoppingToken);
                await tokenKeys.EnsureAsync(stoppingToken);
                await certificates.EnsureAsync(stoppingToken);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Key manager not ready yet: {Reason}; retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        try
        {
            await informer;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
