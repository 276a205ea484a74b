namespace AppKeys.Operator.Apis.Schema;

/// <summary>Constraints on the string items of a list property, or on the string values of a map property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaItemsAttribute : Attribute
{
    public string[]? Enum { get; set; }

    public string? Pattern { get; set; }

    public int MaxLength { get; set; }
}
