using System.Text;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Protobuf;

namespace AppKeys.LocalApiServer.Tests.Protobuf;

/// <summary>
/// The table-driven protobuf decoding of Deployment, Service and PodDisruptionBudget, on bodies built here by hand
/// (field numbers from k8s.io/api generated.proto): gogo writes unset value fields as zeros, which must vanish under
/// omitempty; pointers are kept even when zero; a field the decoder does not know is refused unless it is zero.
/// </summary>
public sealed class KubeProtobufTests
{
    private static readonly string[] Accepted = ["application/json"];

    [Fact]
    public void Zero_value_fields_vanish_pointers_stay_and_status_is_ignored()
    {
        var meta = Msg(1, Str(1, "d"), Str(2, ""), Varint(7, 0));
        var container = Msg(2, Str(1, "c"), Str(2, "img"), Str(5, ""), Msg(8), Varint(16, 0), Str(20, ""));
        var podSpec = Msg(2, container, Str(3, ""), Varint(11, 0), Varint(25, 0));
        var template = Msg(3, Msg(1), podSpec);
        var spec = Msg(2, Varint(1, 0), template, Msg(4, Str(1, "")), Varint(5, 0), Varint(7, 0), Varint(6, 3));
        var status = Msg(3, Varint(2, 5));

        var obj = KubeProtobuf.Decode(Envelope("apps/v1", "Deployment", meta, spec, status), Accepted);

        Assert.Equal(
            """{"metadata":{"name":"d"},"spec":{"replicas":0,"template":{"metadata":{},"spec":{"containers":[{"name":"c","image":"img","resources":{}}],"priority":0}},"strategy":{},"revisionHistoryLimit":3},"apiVersion":"apps/v1","kind":"Deployment"}""",
            obj.ToJsonString());
    }

    [Fact]
    public void Int_or_string_and_negative_numbers_decode()
    {
        var port = Msg(1, Str(1, ""), Str(2, "UDP"), Varint(3, 53), Msg(4, Varint(1, 1), Varint(2, 0), Str(3, "dns")), Varint(5, 0));
        var spec = Msg(2, port, Varint(12, unchecked((ulong)-1L)));

        var obj = KubeProtobuf.Decode(Envelope("v1", "Service", Msg(1, Str(1, "s")), spec), Accepted);

        Assert.Equal("""{"ports":[{"protocol":"UDP","port":53,"targetPort":"dns"}],"healthCheckNodePort":-1}""", obj["spec"]!.ToJsonString());
    }

    [Fact]
    public void A_set_field_the_decoder_does_not_know_is_refused_not_dropped()
    {
        // PodDisruptionBudgetSpec field 5 (availabilityMode) is newer than kube 1.32.
        var ok = KubeProtobuf.Decode(Envelope("policy/v1", "PodDisruptionBudget", Msg(1, Str(1, "p")), Msg(2, Str(5, ""))), Accepted);
        Assert.Equal("{}", ok["spec"]!.ToJsonString());

        var ex = Assert.Throws<ApiException>(() =>
            KubeProtobuf.Decode(Envelope("policy/v1", "PodDisruptionBudget", Msg(1, Str(1, "p")), Msg(2, Str(5, "Workload"))), Accepted));
        Assert.Equal(415, ex.Code);
        Assert.Contains("field 5 of policy/v1 PodDisruptionBudgetSpec", ex.Message, StringComparison.Ordinal);

        // A pod security context (PodSpec 14) with content.
        var podSpec = Msg(2, Msg(14, Varint(1, 1000)));
        Assert.Equal(415, Assert.Throws<ApiException>(() =>
            KubeProtobuf.Decode(Envelope("apps/v1", "Deployment", Msg(1), Msg(2, Msg(3, podSpec))), Accepted)).Code);
    }

    [Fact]
    public void Kinds_without_a_decoder_are_415()
    {
        var ex = Assert.Throws<ApiException>(() => KubeProtobuf.Decode(Envelope("batch/v1", "Job", Msg(1)), Accepted));
        Assert.Equal(415, ex.Code);
    }

    [Fact]
    public void Delete_options_decode_as_client_go_sends_them()
    {
        // What Helm's Secrets driver sends on uninstall: a protobuf DeleteOptions (meta/v1 field numbers).
        var options = KubeProtobuf.DecodeDeleteOptions(Envelope("v1", "DeleteOptions",
            Varint(1, 30), Msg(2, Str(1, "uid-1"), Str(2, "42")), Varint(3, 0), Str(4, "Foreground"), Str(5, "All")));

        Assert.Equal(
            """{"gracePeriodSeconds":30,"preconditions":{"uid":"uid-1","resourceVersion":"42"},"orphanDependents":false,"propagationPolicy":"Foreground","dryRun":["All"]}""",
            options.ToJsonString());
        Assert.Equal(400, Assert.Throws<ApiException>(() => KubeProtobuf.DecodeDeleteOptions("{}"u8)).Code);
    }

    private static byte[] Envelope(string apiVersion, string kind, params byte[][] fields)
    {
        var raw = fields.SelectMany(f => f).ToArray();
        var typeMeta = Concat(Str(1, apiVersion), Str(2, kind));
        return [.. "k8s\0"u8.ToArray(), .. Concat(Bytes(1, typeMeta), Bytes(2, raw), Str(3, ""), Str(4, ""))];
    }

    private static byte[] Msg(int field, params byte[][] fields) => Bytes(field, Concat(fields));

    private static byte[] Str(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] value) => [.. Tag(field, 2), .. Uvarint((ulong)value.Length), .. value];

    private static byte[] Varint(int field, ulong value) => [.. Tag(field, 0), .. Uvarint(value)];

    private static byte[] Tag(int field, int wire) => Uvarint(((ulong)field << 3) | (uint)wire);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Uvarint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
