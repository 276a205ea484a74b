namespace AppKeys.Operator.Controllers;

/// <summary>Condition types of both kinds.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
}
