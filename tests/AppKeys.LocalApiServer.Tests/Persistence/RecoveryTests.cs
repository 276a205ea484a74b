using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using static AppKeys.LocalApiServer.Tests.Persistence.DataDirectoryHarness;

namespace AppKeys.LocalApiServer.Tests.Persistence;

/// <summary>
/// What a start reads back from damaged files: a torn last journal entry (the process died mid-append) is discarded
/// and reported; damage anywhere else refuses to start with a clear error and leaves the files untouched. Writes
/// racing a shutdown or a restart are either durable or refused, never acknowledged and lost.
/// </summary>
public sealed class RecoveryTests
{
    private static string JournalPath(DataDirectoryHarness h) => Path.Combine(h.Directory, "journal.jsonl");

    private static string SnapshotPath(DataDirectoryHarness h) => Path.Combine(h.Directory, "snapshot.jsonl");

    /// <summary>Writes <paramref name="count"/> config maps and stops: they are in the journal (compaction only at start).</summary>
    private static async Task<SortedDictionary<string, string>> JournalWithEntriesAsync(DataDirectoryHarness h, int count)
    {
        await h.StartAsync();
        await h.StopAndStartAsync(); // the seeded namespaces move into the snapshot
        using (var http = h.Http())
        {
            for (var i = 0; i < count; i++)
            {
                await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"c{{{i}}}"},"data":{"v":"{{{i}}}"}}""");
            }
        }
        var dump = h.Dump();
        await h.Server.DisposeAsync();
        Assert.Equal(count, File.ReadAllLines(JournalPath(h)).Length);
        return dump;
    }

    [Theory]
    [InlineData("incomplete")]
    [InlineData("damaged")]
    [InlineData("garbage")]
    public async Task A_torn_last_journal_entry_is_discarded_and_reported(string damage)
    {
        await using var h = new DataDirectoryHarness();
        var full = await JournalWithEntriesAsync(h, 4);
        var bytes = await File.ReadAllBytesAsync(JournalPath(h));
        var lastStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        byte[] torn = damage switch
        {
            // The process died in the middle of the last append.
            "incomplete" => bytes[..(lastStart + ((bytes.Length - lastStart) / 2))],
            // The last line is complete but its bytes are not what was written.
            "damaged" => [.. bytes[..(bytes.Length - 5)], (byte)'X', .. bytes[(bytes.Length - 4)..]],
            // Zeros after a crash, no newline.
            _ => [.. bytes, .. new byte[37]],
        };
        await File.WriteAllBytesAsync(JournalPath(h), torn);

        await h.StartAsync();

        var recovery = h.Server.Recovery!;
        Assert.NotNull(recovery.Discarded);
        Assert.Contains("journal.jsonl", recovery.Discarded, StringComparison.Ordinal);
        Assert.True(recovery.DiscardedBytes > 0);
        var dump = h.Dump();
        var expectLost = damage == "garbage" ? 0 : 1;
        Assert.Equal(full.Count - expectLost, dump.Count);
        Assert.All(dump, kv => Assert.Equal(full[kv.Key], kv.Value));
        // Recovery compacted: the torn bytes are gone, new writes append cleanly and survive another restart.
        using (var http = h.Http())
        {
            var created = await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"next"}}""");
            Assert.True(Rv(created) > recovery.Revision);
        }
        var after = h.Dump();
        await h.StopAndStartAsync();
        Assert.Equal(after, h.Dump());
        Assert.Null(h.Server.Recovery!.Discarded);
    }

    [Fact]
    public async Task A_damaged_entry_before_the_last_refuses_to_start_and_changes_nothing()
    {
        await using var h = new DataDirectoryHarness();
        await JournalWithEntriesAsync(h, 4);
        var lines = await File.ReadAllLinesAsync(JournalPath(h));
        // One flipped character inside the second entry: still JSON, but the checksum catches it.
        var i = lines[1].IndexOf("\"c1\"", StringComparison.Ordinal);
        lines[1] = lines[1][..(i + 1)] + "d" + lines[1][(i + 2)..];
        await File.WriteAllTextAsync(JournalPath(h), string.Join('\n', lines) + "\n");
        var journal = await File.ReadAllBytesAsync(JournalPath(h));
        var snapshot = await File.ReadAllBytesAsync(SnapshotPath(h));

        var ex = await Assert.ThrowsAsync<DataDirectoryCorruptException>(() => LocalKubernetesApiServer.StartAsync(h.Options()));

        Assert.Equal(JournalPath(h), ex.FilePath);
        Assert.Contains("entry 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Refusing to start", ex.Message, StringComparison.Ordinal);
        Assert.Equal(journal, await File.ReadAllBytesAsync(JournalPath(h)));
        Assert.Equal(snapshot, await File.ReadAllBytesAsync(SnapshotPath(h)));
        // Nothing of the objects leaks into the message.
        Assert.DoesNotContain("\"v\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_entries_out_of_resourceVersion_order_refuse_to_start()
    {
        await using var h = new DataDirectoryHarness();
        await JournalWithEntriesAsync(h, 3);
        var lines = await File.ReadAllLinesAsync(JournalPath(h));
        await File.WriteAllTextAsync(JournalPath(h), string.Join('\n', [lines[0], lines[2], lines[1]]) + "\n");

        var ex = await Assert.ThrowsAsync<DataDirectoryCorruptException>(() => LocalKubernetesApiServer.StartAsync(h.Options()));
        Assert.Contains("not above the previous", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("format")]
    public async Task A_damaged_snapshot_refuses_to_start(string damage)
    {
        await using var h = new DataDirectoryHarness();
        await JournalWithEntriesAsync(h, 3);
        await h.StartAsync(); // compacts the journal into the snapshot
        await h.Server.DisposeAsync();
        var text = await File.ReadAllTextAsync(SnapshotPath(h));
        text = damage switch
        {
            "flip" => text.Replace("\"c2\"", "\"c3\"", StringComparison.Ordinal),
            "truncate" => text[..(text.Length / 2)],
            _ => text.Replace("snapshot/v1", "snapshot/v9", StringComparison.Ordinal),
        };
        await File.WriteAllTextAsync(SnapshotPath(h), text);

        var ex = await Assert.ThrowsAsync<DataDirectoryCorruptException>(() => LocalKubernetesApiServer.StartAsync(h.Options()));
        Assert.Equal(SnapshotPath(h), ex.FilePath);
    }

    [Fact]
    public async Task Writers_racing_a_shutdown_lose_no_acknowledged_write()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        var acknowledged = new ConcurrentDictionary<string, (string Uid, long Rv)>(StringComparer.Ordinal);
        var refused = 0;
        using var http = h.Http();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"w{w}-{i}";
                try
                {
                    var (code, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                        $$$"""{"metadata":{"name":"{{{name}}}"}}""");
                    if (code == 201)
                    {
                        acknowledged[name] = (body!["metadata"]!["uid"]!.GetValue<string>(), Rv(body));
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToList();
        await ApiServerFixtureWait(() => acknowledged.Count >= 60, "writes to be acknowledged");

        await h.Server.DisposeAsync(); // writers keep going while the server stops
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        await h.StartAsync();
        using var after = h.Http();
        var stored = h.Dump();
        foreach (var (name, (uid, rv)) in acknowledged)
        {
            var key = $"/configmaps default/{name}";
            Assert.True(stored.TryGetValue(key, out var json), $"acknowledged write {name} (rv {rv}) was lost");
            var obj = JsonNode.Parse(json)!;
            Assert.Equal(uid, obj["metadata"]!["uid"]!.GetValue<string>());
            Assert.Equal(rv, Rv(obj));
        }
        Assert.True(h.Server.ResourceVersion >= acknowledged.Values.Max(v => v.Rv));
        Assert.True(refused > 0, "some writes should have raced the shutdown");
    }

    [Fact]
    public async Task Writers_across_a_full_restart_lose_no_acknowledged_write_and_versions_never_repeat()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        var acknowledged = new ConcurrentDictionary<string, (string Uid, long Rv)>(StringComparer.Ordinal);
        var versions = new ConcurrentBag<long>();
        using var http = h.Http();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"w{w}-{i}";
                try
                {
                    var (code, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                        $$$"""{"metadata":{"name":"{{{name}}}"}}""");
                    if (code == 201)
                    {
                        acknowledged[name] = (body!["metadata"]!["uid"]!.GetValue<string>(), Rv(body));
                        versions.Add(Rv(body));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    await Task.Delay(20);
                }
            }
        })).ToList();
        await ApiServerFixtureWait(() => acknowledged.Count >= 40, "writes before the restart");
        await h.Server.RestartAsync(TimeSpan.FromMilliseconds(300));
        var afterRestart = acknowledged.Count;
        await ApiServerFixtureWait(() => acknowledged.Count >= afterRestart + 40, "writes after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var stored = h.Dump();
        foreach (var (name, (uid, rv)) in acknowledged)
        {
            Assert.True(stored.TryGetValue($"/configmaps default/{name}", out var json), $"acknowledged write {name} (rv {rv}) was lost");
            Assert.Equal(uid, JsonNode.Parse(json)!["metadata"]!["uid"]!.GetValue<string>());
        }
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    private static Task ApiServerFixtureWait(Func<bool> condition, string what) =>
        Server.ApiServerFixture.EventuallyAsync(() => Task.FromResult(condition()), what, seconds: 60);

    [Fact]
    public async Task A_journal_of_a_single_damaged_line_is_a_torn_tail()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("appkeys-journal-").FullName, "journal.jsonl");
        try
        {
            var good = Encoding.UTF8.GetBytes(
                "0000000000000000 {}\n");
            await File.WriteAllBytesAsync(path, good);
            var contents = Storage.Persistence.FileJournal.Read(path);
            Assert.Empty(contents.Entries);
            Assert.Equal(good.Length, contents.DiscardedBytes);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }
}
