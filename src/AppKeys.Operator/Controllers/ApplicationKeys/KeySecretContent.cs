using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>What goes into a key's Secret at issuance (<see cref="PreviousConsumerSecret"/>: the Application's previous consumer secret during a grace period).</summary>
public sealed record KeySecretContent(
    string ConsumerKey,
    SecretValue ConsumerSecret,
    IssuedToken Token,
    string TokenType,
    string IssuanceHash,
    string? ObservedRenewRequest,
    long Revision,
    SecretValue? PreviousConsumerSecret = null);
