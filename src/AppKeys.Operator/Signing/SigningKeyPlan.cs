namespace AppKeys.Operator.Signing;

/// <summary>An event the plan asks to record on the signing Secret (never key material: kids only).</summary>
public sealed record SigningKeyEvent(bool Warning, string Reason, string Message);

/// <summary>The key set to write, the events to record, and when to look again.</summary>
public sealed record SigningKeyPlan(SigningKeySet Desired, IReadOnlyList<SigningKeyEvent> Events, TimeSpan RequeueAfter);
