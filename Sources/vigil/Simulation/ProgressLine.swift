import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A live status line on standard error: rewritten in place on a terminal, a new line every
/// few seconds otherwise (so that logs stay readable).
struct ProgressLine: Sendable {
    let isTerminal = isatty(STDERR_FILENO) == 1

    /// Shows `text`; `final` ends the line.
    func show(_ text: String, final: Bool = false) {
        let line = isTerminal ? "\r\u{1B}[2K" + text + (final ? "\n" : "") : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Prints `text` as a line of standard output, flushed at once, first clearing the progress line when both go
    /// to the same terminal, so that the next progress update is drawn below it.
    func interject(_ text: String) {
        let clear = isTerminal && isatty(STDOUT_FILENO) == 1 ? "\r\u{1B}[2K" : ""
        print(clear + text)
        fflush(nil)
    }

    /// Calls `text` every second (every five when not on a terminal) and shows it, until cancelled.
    func keepShowing(_ text: @escaping @Sendable () -> String) -> Task<Void, Never> {
        let period = isTerminal ? 1 : 5
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(period))
                if !Task.isCancelled { show(text()) }
            }
        }
    }
}
