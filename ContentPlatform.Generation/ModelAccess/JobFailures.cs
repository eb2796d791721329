using ContentPlatform.Jobs;

namespace ContentPlatform.Generation.ModelAccess;

public static class JobFailures
{
    // A readable failure fails the job at once with its message and code. When the job was cancelled meanwhile, the
    // failure is only a symptom of that, and the cancellation is what the engine must see (it records "Cancelled").
    public static JobFailedException ToJobFailure(this GenerationFailedException exception, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new JobFailedException(exception.Message, exception.ErrorCode);
    }
}
