namespace AppKeys.Runtime.Controllers;

/// <summary>A controller the manager runs while this process leads.</summary>
public interface IController
{
    /// <summary>Controller name (metrics label, logs).</summary>
    string Name { get; }

    /// <summary>
    /// Runs the workers until <paramref name="stoppingToken"/> is cancelled, then stops taking keys, lets in-flight
    /// reconciles finish within the shutdown timeout and cancels them after it. <paramref name="abortToken"/> cancels
    /// every in-flight reconcile the moment it is cancelled and skips the drain (lost leadership). Can be run more than
    /// once, not concurrently.
    /// </summary>
    Task RunAsync(CancellationToken stoppingToken, CancellationToken abortToken = default);
}
