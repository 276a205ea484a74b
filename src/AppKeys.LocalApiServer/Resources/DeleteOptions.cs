namespace AppKeys.LocalApiServer.Resources;

/// <summary>The fields of a <c>DeleteOptions</c> body (or query) that the server honours.</summary>
public sealed record DeleteOptions
{
    /// <summary>Background, Foreground or Orphan; null = the resource's default (Background).</summary>
    public string? PropagationPolicy { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }

    public bool DryRun { get; init; }

    public long? GracePeriodSeconds { get; init; }
}
