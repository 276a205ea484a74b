using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Tests.Semantics;

/// <summary>
/// Label and annotation syntax as kube-apiserver checks it (apimachinery <c>pkg/apis/meta/v1/validation ValidateLabels</c>,
/// <c>pkg/api/validation/objectmeta.go ValidateAnnotations</c>, messages from <c>pkg/util/validation/validation.go</c>).
/// Expected texts are spelled out here, not taken from the code under test, so a changed message fails.
/// </summary>
public sealed class MetadataValidationTests
{
    private const string NamePart =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValue =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string PrefixPart =
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string TooManySlashes =
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

    private const string Labels = "FieldValueInvalid|metadata.labels|Invalid value: ";
    private const string Annotations = "FieldValueInvalid|metadata.annotations|Invalid value: ";
    private const string AnnotationsTooLong = "FieldValueTooLong|metadata.annotations|Too long: may not be more than 262144 bytes";

    private static readonly string Name63 = new('n', 63);
    private static readonly string Prefix253 = string.Join('.', Enumerable.Repeat(new string('p', 63), 4))[..253];

    public static TheoryData<string, string> GoodLabels() => new()
    {
        { "app", "web" },
        { "app.kubernetes.io/name", "my_app-1.0" },
        { "a", "" },
        { "A_b.c-D", "X" },
        { "9", "0" },
        { Name63, Name63 },
        { "example.com/" + Name63, "v" },
        { Prefix253 + "/x", "v" },
    };

    [Theory]
    [MemberData(nameof(GoodLabels))]
    public void Accepts_valid_labels(string key, string value)
    {
        Assert.Empty(Run(new JsonObject { ["labels"] = new JsonObject { [key] = value } }));
    }

    public static TheoryData<string, string, string[]> BadLabels() => new()
    {
        { "-app", "x", [Labels + "\"-app\": " + NamePart] },
        { "app-", "x", [Labels + "\"app-\": " + NamePart] },
        { "app", "-web", [Labels + "\"-web\": " + LabelValue] },
        { "app", "a b", [Labels + "\"a b\": " + LabelValue] },
        { "app", "slash/value", [Labels + "\"slash/value\": " + LabelValue] },
        // Go's "$" matches only at the very end, and %q escapes the newline.
        { "app", "web\n", [Labels + "\"web\\n\": " + LabelValue] },
        { "", "x", [Labels + "\"\": name part must be non-empty", Labels + "\"\": " + NamePart] },
        { "/x", "v", [Labels + "\"/x\": prefix part must be non-empty"] },
        { "example.com/", "v", [Labels + "\"example.com/\": name part must be non-empty", Labels + "\"example.com/\": " + NamePart] },
        { "Example.com/x", "v", [Labels + "\"Example.com/x\": " + PrefixPart] },
        { new string('p', 254) + "/x", "v", [Labels + "\"" + new string('p', 254) + "/x\": prefix part must be no more than 253 characters"] },
        { "a/b/c", "v", [Labels + "\"a/b/c\": " + TooManySlashes] },
        { Name63 + "n", "v", [Labels + "\"" + Name63 + "n\": name part must be no more than 63 characters"] },
        { "k", Name63 + "n", [Labels + "\"" + Name63 + "n\": must be no more than 63 characters"] },
        // Go's len counts bytes: 32 two-byte characters are 64 bytes.
        { "k", new string('é', 32), [Labels + "\"" + new string('é', 32) + "\": must be no more than 63 characters", Labels + "\"" + new string('é', 32) + "\": " + LabelValue] },
        // The key's problems come before the value's.
        { "bad key", "bad value", [Labels + "\"bad key\": " + NamePart, Labels + "\"bad value\": " + LabelValue] },
    };

    [Theory]
    [MemberData(nameof(BadLabels))]
    public void Rejects_invalid_labels_with_kube_causes(string key, string value, string[] expected)
    {
        Assert.Equal(expected, Run(new JsonObject { ["labels"] = new JsonObject { [key] = value } }));
    }

    public static TheoryData<string, string> GoodAnnotations() => new()
    {
        { "note", "any text at all: spaces, slashes / and -dashes-" },
        { "MyKey", "" },
        // Case does not matter in annotation keys: kube lower-cases the key before checking it.
        { "Example.COM/Some_Key", "v" },
        { "kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"v1\"}" },
    };

    [Theory]
    [MemberData(nameof(GoodAnnotations))]
    public void Accepts_valid_annotations(string key, string value)
    {
        Assert.Empty(Run(new JsonObject { ["annotations"] = new JsonObject { [key] = value } }));
    }

    public static TheoryData<string, string[]> BadAnnotationKeys() => new()
    {
        { "bad key", [Annotations + "\"bad key\": " + NamePart] },
        // Reported as sent, although checked lower-cased.
        { "Bad Key", [Annotations + "\"Bad Key\": " + NamePart] },
        { "-note", [Annotations + "\"-note\": " + NamePart] },
        { "example.com/", [Annotations + "\"example.com/\": name part must be non-empty", Annotations + "\"example.com/\": " + NamePart] },
        { "a/b/c", [Annotations + "\"a/b/c\": " + TooManySlashes] },
        { "exa_mple.com/x", [Annotations + "\"exa_mple.com/x\": " + PrefixPart] },
    };

    [Theory]
    [MemberData(nameof(BadAnnotationKeys))]
    public void Rejects_invalid_annotation_keys_with_kube_causes(string key, string[] expected)
    {
        Assert.Equal(expected, Run(new JsonObject { ["annotations"] = new JsonObject { [key] = "v" } }));
    }

    [Fact]
    public void Annotations_may_total_exactly_256_KiB_of_keys_and_values()
    {
        Assert.Empty(Run(new JsonObject { ["annotations"] = new JsonObject { ["k"] = new string('v', 262143) } }));
        Assert.Empty(Run(new JsonObject { ["annotations"] = new JsonObject { ["a"] = new string('v', 131071), ["b"] = new string('v', 131071) } }));
    }

    [Fact]
    public void Annotations_over_256_KiB_are_too_long_and_the_value_is_not_echoed()
    {
        Assert.Equal([AnnotationsTooLong], Run(new JsonObject { ["annotations"] = new JsonObject { ["k"] = new string('v', 262144) } }));
        Assert.Equal([AnnotationsTooLong],
            Run(new JsonObject { ["annotations"] = new JsonObject { ["a"] = new string('v', 131072), ["b"] = new string('v', 131071) } }));
    }

    [Fact]
    public void Annotation_size_counts_utf8_bytes()
    {
        // 131,073 characters but 262,145 bytes.
        Assert.Equal([AnnotationsTooLong], Run(new JsonObject { ["annotations"] = new JsonObject { ["k"] = new string('é', 131072) } }));
    }

    [Fact]
    public void Labels_are_reported_before_annotations_and_every_problem_is_kept()
    {
        var meta = new JsonObject
        {
            ["annotations"] = new JsonObject { ["bad key"] = "v", ["big"] = new string('v', 262144) },
            ["labels"] = new JsonObject { ["ok"] = "-x", ["fine"] = "-x" },
        };
        Assert.Equal(
            [
                Labels + "\"-x\": " + LabelValue,
                Labels + "\"-x\": " + LabelValue,
                Annotations + "\"bad key\": " + NamePart,
                AnnotationsTooLong,
            ],
            Run(meta));
    }

    [Fact]
    public void Metadata_without_labels_or_annotations_is_valid()
    {
        Assert.Empty(Run(new JsonObject { ["name"] = "x" }));
    }

    private static List<string> Run(JsonObject meta)
    {
        var errors = new List<FieldCause>();
        MetadataValidation.Validate(meta, errors);
        return errors.Select(e => $"{e.Type}|{e.Field}|{e.Body}").ToList();
    }
}
