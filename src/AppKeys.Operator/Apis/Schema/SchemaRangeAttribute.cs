namespace AppKeys.Operator.Apis.Schema;

/// <summary>
/// Bounds of a property: <c>minimum</c>/<c>maximum</c> for integers, <c>minLength</c>/<c>maxLength</c> for strings,
/// <c>minItems</c>/<c>maxItems</c> for lists and <c>minProperties</c>/<c>maxProperties</c> for maps.
/// <see cref="long.MinValue"/> / <see cref="long.MaxValue"/> mean "no bound".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute : Attribute
{
    public long Min { get; set; } = long.MinValue;

    public long Max { get; set; } = long.MaxValue;
}
