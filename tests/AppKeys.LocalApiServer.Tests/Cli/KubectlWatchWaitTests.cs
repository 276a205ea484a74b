namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// <c>kubectl get -w</c> (Table list, then a Table watch from the list's resourceVersion) and <c>kubectl wait</c>
/// (kubectl <c>pkg/cmd/wait/condition.go</c>, <c>delete.go</c>: list + watch on a field selector).
/// </summary>
public sealed class KubectlWatchWaitTests(KubectlFixture fx) : IClassFixture<KubectlFixture>
{
    [Fact]
    public async Task Get_watch_prints_the_initial_row_then_each_change()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1), "apply", "-f", "-");
        using var watch = fx.Kubectl.Start("get", "widgets", "-n", ns, "-w", "--output-watch-events");
        var header = await watch.WaitForLineAsync(l => l.StartsWith("EVENT", StringComparison.Ordinal), "the header");
        Assert.Equal(["EVENT", "NAME", "SIZE", "READY", "AGE"], KubectlFixture.Headers(header));
        await watch.WaitForLineAsync(l => Cells(l) is ["ADDED", "w1", "1", ..], "the initial ADDED row");

        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--type=merge", "-p", """{"spec":{"size":7}}""");
        await watch.WaitForLineAsync(l => Cells(l) is ["MODIFIED", "w1", "7", ..], "the MODIFIED row with the new size");

        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w2", 2), "apply", "-f", "-");
        await watch.WaitForLineAsync(l => Cells(l) is ["ADDED", "w2", "2", ..], "the ADDED row of a new object");

        await fx.OkAsync("delete", "widget", "w1", "-n", ns);
        await watch.WaitForLineAsync(l => Cells(l) is ["DELETED", "w1", ..], "the DELETED row");
        Assert.DoesNotContain(watch.Lines, l => l.StartsWith("EVENT", StringComparison.Ordinal) && l != header);
    }

    [Fact]
    public async Task Get_watch_with_a_label_selector_sees_only_matches()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "gold", 1, labels: "{tier: gold}") + "---\n" + KubectlFixture.Widget(ns, "tin", 1), "apply", "-f", "-");
        using var watch = fx.Kubectl.Start("get", "widgets", "-n", ns, "-w", "-l", "tier=gold", "-o", "name");
        await watch.WaitForLineAsync(l => l == "widget.example.com/gold", "the matching object");
        await fx.OkAsync("label", "widget", "tin", "-n", ns, "tier=gold");
        await watch.WaitForLineAsync(l => l == "widget.example.com/tin", "an object that starts matching");
        Assert.Equal(["widget.example.com/gold", "widget.example.com/tin"], watch.Lines);
    }

    [Fact]
    public async Task Wait_for_a_condition_returns_once_the_status_reports_it()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1), "apply", "-f", "-");
        using var wait = fx.Kubectl.Start("wait", "widget/w1", "-n", ns, "--for=condition=Ready", "--timeout=30s");
        await Task.Delay(300);
        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--subresource=status", "--type=merge",
            "-p", """{"status":{"conditions":[{"type":"Ready","status":"False","reason":"Pending"}]}}""");
        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--subresource=status", "--type=merge",
            "-p", """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Done"}]}}""");
        Assert.Equal(0, await wait.WaitForExitAsync());
        Assert.Equal(["widget.example.com/w1 condition met"], wait.Lines);

        Assert.Equal("widget.example.com/w1 condition met\n", await fx.OkAsync("wait", "widget/w1", "-n", ns, "--for=jsonpath={.spec.size}=1", "--timeout=5s"));
        var timeout = await fx.FailAsync("wait", "widget/w1", "-n", ns, "--for=condition=Ready=false", "--timeout=1s");
        Assert.Equal("error: timed out waiting for the condition on widgets/w1\n", timeout.StdErr);
    }

    [Fact]
    public async Task Wait_for_delete_returns_when_the_object_goes()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.OkStdinAsync(KubectlFixture.Widget(ns, "w1", 1), "apply", "-f", "-");
        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":["example.com/hold"]}}""");
        await fx.OkAsync("delete", "widget", "w1", "-n", ns, "--wait=false");
        using var wait = fx.Kubectl.Start("wait", "widget/w1", "-n", ns, "--for=delete", "--timeout=30s");
        await Task.Delay(300);
        Assert.False(wait.Lines.Count > 0, "kubectl wait returned while the object is still held by a finalizer");
        await fx.OkAsync("patch", "widget", "w1", "-n", ns, "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        Assert.Equal(0, await wait.WaitForExitAsync());
        Assert.Equal(["widget.example.com/w1 condition met"], wait.Lines);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
