using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// One field validation error, as kube-apiserver reports it in a 422 Status's <c>details.causes</c>:
/// <see cref="Reason"/> is the cause type (<c>FieldValueRequired</c>, ...), <see cref="Field"/> the field path and
/// <see cref="Message"/> the error body without the path (apimachinery <c>field.Error.ErrorBody</c>).
/// </summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public const string Required = "FieldValueRequired";
    public const string Invalid = "FieldValueInvalid";
    public const string NotSupported = "FieldValueNotSupported";
    public const string TooLong = "FieldValueTooLong";
    public const string TooMany = "FieldValueTooMany";
    public const string Duplicate = "FieldValueDuplicate";
    public const string TypeInvalid = "FieldValueTypeInvalid";
    public const string Forbidden = "FieldValueForbidden";

    /// <summary>The <c>field: body</c> form used inside a Status message.</summary>
    public override string ToString() => $"{Field}: {Message}";

    public static FieldError RequiredValue(string field, string detail = "") =>
        new(Required, field, WithDetail("Required value", detail));

    public static FieldError ForbiddenValue(string field, string detail) =>
        new(Forbidden, field, WithDetail("Forbidden", detail));

    public static FieldError InvalidValue(string field, JsonNode? value, string detail) =>
        new(Invalid, field, WithDetail("Invalid value: " + FormatValue(value), detail));

    public static FieldError InvalidValue(string field, long value, string detail) =>
        new(Invalid, field, WithDetail("Invalid value: " + value.ToString(CultureInfo.InvariantCulture), detail));

    public static FieldError TypeInvalidValue(string field, JsonNode? value, string detail) =>
        new(TypeInvalid, field, WithDetail("Invalid value: " + FormatValue(value), detail));

    public static FieldError Unsupported(string field, JsonNode? value, IEnumerable<string> supported)
    {
        var list = supported.ToList();
        var detail = list.Count == 0 ? string.Empty : "supported values: " + string.Join(", ", list.Select(GoText.Quote));
        return new(NotSupported, field, WithDetail("Unsupported value: " + FormatValue(value), detail));
    }

    public static FieldError TooLongValue(string field, long maxLength) =>
        new(TooLong, field, maxLength >= 0
            ? $"Too long: may not be more than {maxLength} bytes"
            : "Too long: value is too long");

    public static FieldError TooManyItems(string field, long actual, long max) =>
        new(TooMany, field, (actual >= 0 ? $"Too many: {actual}" : "Too many")
            + (max >= 0 ? $": must have at most {max} items" : ": has too many items"));

    public static FieldError DuplicateValue(string field, JsonNode? value) =>
        new(Duplicate, field, "Duplicate value: " + FormatValue(value));

    /// <summary>Go rendering of a bad value: strings quoted, numbers and booleans plain, anything else as JSON.</summary>
    public static string FormatValue(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => GoText.Quote(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => GoText.FormatFloat(d),
        _ => GoJson.Marshal(value),
    };

    private static string WithDetail(string body, string detail) => detail.Length == 0 ? body : body + ": " + detail;
}
