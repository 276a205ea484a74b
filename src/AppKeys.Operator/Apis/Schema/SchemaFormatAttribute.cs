namespace AppKeys.Operator.Apis.Schema;

/// <summary>An OpenAPI <c>format</c> (for example <c>uri</c>, <c>date-time</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaFormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}
