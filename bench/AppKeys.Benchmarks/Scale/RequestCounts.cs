using System.Globalization;

namespace AppKeys.Benchmarks.Scale;

/// <summary>Requests counted by <see cref="RequestCounter"/> (see there for what each field counts).</summary>
internal sealed record RequestCounts(long Reads, long Watches, long Creates, long Updates, long Patches, long Deletes)
{
    public long Writes => Creates + Updates + Patches + Deletes;

    public static RequestCounts operator -(RequestCounts a, RequestCounts b) => new(
        a.Reads - b.Reads, a.Watches - b.Watches, a.Creates - b.Creates, a.Updates - b.Updates, a.Patches - b.Patches, a.Deletes - b.Deletes);

    public static RequestCounts Subtract(RequestCounts a, RequestCounts b) => a - b;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"reads {Reads}, watches {Watches}, writes {Writes} (create {Creates}, update {Updates}, patch {Patches}, delete {Deletes})");

    public string PerItem(int items) => string.Create(
        CultureInfo.InvariantCulture,
        $"reads {(double)Reads / items:F2}, writes {(double)Writes / items:F2} (create {(double)Creates / items:F2}, update {(double)Updates / items:F2}, patch {(double)Patches / items:F2}, delete {(double)Deletes / items:F2})");
}
