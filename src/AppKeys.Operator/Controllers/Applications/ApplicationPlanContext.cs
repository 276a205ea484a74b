namespace AppKeys.Operator.Controllers.Applications;

/// <summary>The injected sources of an Application's plan: the time and where new credentials come from.</summary>
public sealed record ApplicationPlanContext(DateTimeOffset Now, CredentialSources Sources);
