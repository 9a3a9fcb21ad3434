import Testing
import VigilAgent

@Suite struct CheckInScheduleTests {
    @Test func successWaitsTheIntervalWithinTenPercent() {
        var schedule = CheckInSchedule()
        var generator = SeededGenerator(state: 1)
        let delays = (0..<1_000).map { _ in schedule.delayAfterSuccess(interval: 900, using: &generator) }
        #expect(delays.allSatisfy { (810...990).contains($0) })
        #expect(delays.min()! < 830 && delays.max()! > 970)
        #expect(Set(delays).count > 900)
    }

    @Test func aTinyIntervalIsRaisedToTheMinimum() {
        var schedule = CheckInSchedule()
        var generator = SeededGenerator(state: 2)
        let delay = schedule.delayAfterSuccess(interval: 0, using: &generator)
        #expect((9...11).contains(delay))
    }

    @Test func failuresBackOffExponentiallyWithFullJitterUpToFifteenMinutes() {
        var schedule = CheckInSchedule()
        var generator = SeededGenerator(state: 3)
        let ceilings = (1...12).map { _ -> Double in
            let ceiling = schedule.backoffCeiling
            let delay = schedule.delayAfterFailure(using: &generator)
            #expect((0...ceiling).contains(delay))
            return ceiling
        }
        #expect(ceilings == [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900])
        #expect(schedule.consecutiveFailures == 12)
    }

    @Test func backoffDelaysSpreadOverTheWholeRange() {
        var generator = SeededGenerator(state: 4)
        let delays = (0..<1_000).map { _ -> Double in
            var schedule = CheckInSchedule()
            for _ in 0..<10 { _ = schedule.delayAfterFailure(using: &generator) }
            return schedule.delayAfterFailure(using: &generator)
        }
        #expect(delays.allSatisfy { (0...900).contains($0) })
        #expect(delays.min()! < 50 && delays.max()! > 850)
    }

    @Test func aSuccessResetsTheBackoff() {
        var schedule = CheckInSchedule()
        var generator = SeededGenerator(state: 5)
        for _ in 0..<6 { _ = schedule.delayAfterFailure(using: &generator) }
        _ = schedule.delayAfterSuccess(interval: 60, using: &generator)
        #expect(schedule.consecutiveFailures == 0)
        #expect(schedule.backoffCeiling == 5)
        #expect(schedule.delayAfterFailure(using: &generator) <= 5)
    }

    @Test func theSameSeedGivesTheSameDelays() {
        var first = CheckInSchedule()
        var second = CheckInSchedule()
        var generatorA = SeededGenerator(state: 42)
        var generatorB = SeededGenerator(state: 42)
        #expect(
            first.delayAfterSuccess(interval: 300, using: &generatorA)
                == second.delayAfterSuccess(interval: 300, using: &generatorB))
        #expect(first.delayAfterFailure(using: &generatorA) == second.delayAfterFailure(using: &generatorB))
    }
}
