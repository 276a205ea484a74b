namespace AppKeys.Operator.Controllers;

/// <summary>An Event a plan asks the shell to record (never secret material in the message).</summary>
public sealed record PlannedEvent(string Type, string Reason, string Message);
