namespace ContentPlatform.Tests.Infrastructure;

// Waits for an observable effect rather than for a time: polls until the condition holds, and fails the test
// with the given description when the deadline passes first.
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static Task TrueAsync(Func<bool> condition, string what) =>
        TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
