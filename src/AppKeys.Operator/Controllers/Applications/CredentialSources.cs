using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Where new identities and secrets come from (the CSPRNG in production, fixed values in tables).</summary>
public sealed record CredentialSources(Func<string> ConsumerKey, Func<SecretValue> ConsumerSecret, Func<Guid> ApplicationId);
