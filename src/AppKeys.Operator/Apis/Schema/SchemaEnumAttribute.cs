namespace AppKeys.Operator.Apis.Schema;

/// <summary>The allowed values of a string property (OpenAPI <c>enum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaEnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
