namespace AppKeys.LocalApiServer.Errors;

/// <summary>
/// One field error of an Invalid (422) answer. <paramref name="Type"/> is the cause reason
/// (<c>FieldValueInvalid</c>, <c>FieldValueRequired</c>, ...); <paramref name="Body"/> is apimachinery's
/// <c>field.Error.ErrorBody()</c> text, e.g. <c>Invalid value: "x": must be ...</c>.
/// </summary>
public sealed record FieldCause(string Type, string Field, string Body)
{
    public static FieldCause Required(string field, string detail = "") =>
        new("FieldValueRequired", field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static FieldCause Invalid(string field, string? value, string detail) =>
        new("FieldValueInvalid", field, value is null ? $"Invalid value: {detail}" : $"Invalid value: {Quote(value)}: {detail}");

    public static FieldCause Forbidden(string field, string detail) =>
        new("FieldValueForbidden", field, $"Forbidden: {detail}");

    public static FieldCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", field,
            $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

    public static FieldCause Duplicate(string field, string value) =>
        new("FieldValueDuplicate", field, $"Duplicate value: {Quote(value)}");

    /// <summary>Go's <c>%q</c> for the plain strings we quote.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
