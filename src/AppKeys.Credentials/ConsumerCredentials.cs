namespace AppKeys.Credentials;

/// <summary>The OAuth client identity of an application for one key type: public key plus secret.</summary>
/// <param name="ConsumerKey">Public identifier (the OAuth <c>client_id</c>); safe to show.</param>
/// <param name="ConsumerSecret">The client secret; redacted by <c>ToString</c>.</param>
public sealed record ConsumerCredentials(string ConsumerKey, SecretValue ConsumerSecret);
