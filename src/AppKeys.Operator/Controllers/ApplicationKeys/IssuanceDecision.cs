namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>A new token is needed: an <see cref="IssuanceReasons"/> value and a message for the event.</summary>
public sealed record IssuanceDecision(string Reason, string Message);
