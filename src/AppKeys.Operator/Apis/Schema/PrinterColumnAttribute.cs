namespace AppKeys.Operator.Apis.Schema;

/// <summary>An <c>additionalPrinterColumns</c> entry; columns are emitted in <see cref="Order"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(int order, string name, string type, string jsonPath) : Attribute
{
    public int Order { get; } = order;

    public string Name { get; } = name;

    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public string? Description { get; set; }

    public string? Format { get; set; }

    /// <summary>0 = always shown; 1 = shown by <c>-o wide</c>.</summary>
    public int Priority { get; set; }
}
