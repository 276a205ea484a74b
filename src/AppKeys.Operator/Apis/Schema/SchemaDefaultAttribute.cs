namespace AppKeys.Operator.Apis.Schema;

/// <summary>The default the API server applies when the field is absent, as a JSON literal.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
