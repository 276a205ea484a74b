using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>What a key's Secret holds: the Application's credentials, the token and the record it is described by.</summary>
public sealed record KeySecretContent(KeyCredentials Credentials, SecretValue AccessToken, TokenRecord Record);
