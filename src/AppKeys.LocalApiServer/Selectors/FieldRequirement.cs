namespace AppKeys.LocalApiServer.Selectors;

/// <summary>One term of a field selector; <see cref="Value"/> is already unescaped.</summary>
public sealed record FieldRequirement(string Field, FieldSelectorOperator Operator, string Value)
{
    /// <summary>A missing field compares as the empty string, as kube's <c>fields.Set.Get</c> does.</summary>
    public bool Matches(string? actual)
    {
        var equal = string.Equals(actual ?? string.Empty, Value, StringComparison.Ordinal);
        return Operator == FieldSelectorOperator.NotEquals ? !equal : equal;
    }

    public override string ToString() =>
        Field + (Operator switch
        {
            FieldSelectorOperator.NotEquals => "!=",
            FieldSelectorOperator.DoubleEquals => "==",
            _ => "=",
        }) + FieldSelector.EscapeValue(Value);
}
