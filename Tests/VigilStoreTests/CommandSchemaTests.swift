import Testing
import VigilCore

@testable import VigilStore

/// The partial indexes of schema 7 cover the conditions the command queries put, which are built
/// from the domain's lists: a kind that erases data, a state that waits.
@Suite struct CommandSchemaTests {
    @Test func theIndexesListTheWaitingStatesAndTheWipesTheQueriesAskFor() {
        let statements = SchemaV7.tablesAndIndexes.joined(separator: "\n")
        #expect(CommandSQL.wipeKinds == "('full_wipe', 'selective_wipe', 'retire')")
        #expect(statements.contains("WHERE kind IN \(CommandSQL.wipeKinds)"))
        #expect(statements.contains("WHERE state IN \(CommandSQL.waitingStates)"))
    }
}
