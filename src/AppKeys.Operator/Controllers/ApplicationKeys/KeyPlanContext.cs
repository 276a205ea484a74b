using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The injected sources of a key's plan: the time, the issuer settings, and the token source (ids and randomness).</summary>
public sealed record KeyPlanContext(DateTimeOffset Now, IssuerSettings Issuer, Func<IssuanceInputs, IssuedToken> Mint);
