namespace AppKeys.Operator.Crds;

/// <summary>Constraints on the string items of a list property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaItemsAttribute : Attribute
{
    public string[]? Enum { get; set; }

    public string? Pattern { get; set; }

    public int MaxLength { get; set; }
}
