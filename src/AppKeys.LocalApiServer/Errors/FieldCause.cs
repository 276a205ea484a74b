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

    /// <summary>
    /// <c>field.TooLong</c> as of kube 1.32 (apimachinery PR #128553 merged it with <c>TooLongMaxLength</c>; older
    /// servers said "must have at most N bytes"). The value is never shown, and apimachinery v0.32 says "bytes"
    /// even for a limit of 1.
    /// </summary>
    public static FieldCause TooLong(string field, long maxBytes) =>
        new("FieldValueTooLong", field, $"Too long: may not be more than {maxBytes} bytes");

    /// <summary>Go's <c>%q</c> (<c>strconv.Quote</c>): control and non-printable characters escaped.</summary>
    public static string Quote(string value) => GoCompat.GoText.Quote(value);
}
