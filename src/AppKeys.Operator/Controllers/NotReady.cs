namespace AppKeys.Operator.Controllers;

/// <summary>Why an object is not Ready: a <see cref="Apis.ConditionReasons"/> value and a message for humans (never secret).</summary>
public sealed record NotReady(string Reason, string Message);
