namespace AppKeys.Operator.Apis.Schema;

/// <summary>An ECMA-262 regular expression a string property must match (OpenAPI <c>pattern</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
