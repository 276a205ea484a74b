namespace AppKeys.Operator.Apis.Schema;

/// <summary><c>x-kubernetes-list-type</c> of a list property (<c>atomic</c>, <c>set</c> or <c>map</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaListTypeAttribute(string listType) : Attribute
{
    public string ListType { get; } = listType;

    /// <summary>The keys of a <c>map</c> list.</summary>
    public string[]? MapKeys { get; set; }
}
