using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>One key type's credentials as the Application's status records them and its Secret holds them.</summary>
/// <param name="ApplicationId">The application's UUID (from status).</param>
/// <param name="Current">The consumer key (from status) and the consumer secret (whose digest status records).</param>
/// <param name="Previous">The previous consumer secret during a grace period (its digest recorded in status too).</param>
public sealed record KeyCredentials(string ApplicationId, ConsumerCredentials Current, SecretValue? Previous);
