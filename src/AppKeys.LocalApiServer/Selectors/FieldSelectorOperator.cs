namespace AppKeys.LocalApiServer.Selectors;

/// <summary>Field selector operators: <c>=</c>, <c>==</c> (same meaning) and <c>!=</c>.</summary>
public enum FieldSelectorOperator
{
    Equals,
    DoubleEquals,
    NotEquals,
}
