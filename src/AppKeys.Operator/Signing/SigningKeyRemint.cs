namespace AppKeys.Operator.Signing;

/// <summary>A held token must be re-minted with the current key: its key is gone (<paramref name="Lost"/>) or retiring.</summary>
public sealed record SigningKeyRemint(bool Lost, string Message);
