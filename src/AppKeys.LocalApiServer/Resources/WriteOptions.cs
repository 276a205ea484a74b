namespace AppKeys.LocalApiServer.Resources;

/// <summary>Query options of a write request.</summary>
public sealed record WriteOptions
{
    public string? FieldManager { get; init; }

    public bool DryRun { get; init; }

    public FieldValidationMode FieldValidation { get; init; } = FieldValidationMode.Warn;

    /// <summary>Server-side apply <c>force</c>.</summary>
    public bool Force { get; init; }

    /// <summary>Manager name used when the request names none (kube derives it from the User-Agent).</summary>
    public string DefaultManager { get; init; } = "unknown";

    /// <summary>The authenticated user of the request, for admission checks; null for the server's own writes.</summary>
    public Authentication.UserInfo? User { get; init; }

    public string Manager => string.IsNullOrEmpty(FieldManager) ? DefaultManager : FieldManager;
}
