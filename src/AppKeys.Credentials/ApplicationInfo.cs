namespace AppKeys.Credentials;

/// <summary>The application a token is issued for; becomes the JWT <c>application</c> claim.</summary>
/// <param name="Name">Application name.</param>
/// <param name="Namespace">Kubernetes namespace of the application (plain string: this library knows no Kubernetes).</param>
/// <param name="Uuid">Stable unique id of the application.</param>
/// <param name="Owner">Owner of the application.</param>
/// <param name="Tier">Throttling policy (WSO2 tier), e.g. <c>Unlimited</c>, <c>10PerMin</c>.</param>
public sealed record ApplicationInfo(string Name, string Namespace, string Uuid, string Owner, string Tier);
