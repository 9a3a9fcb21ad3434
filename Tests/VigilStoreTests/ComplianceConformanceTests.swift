import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Policies, evaluations, due actions, emergency accesses and grants behave the same on every backend.
@Suite struct ComplianceConformanceTests {
    // MARK: Policies

    @Test(arguments: StoreBackend.available)
    func policiesRoundTripEveryFieldAndAppendTheirEvents(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            #expect(try await store.securityPolicies() == [])
            let byod = Self.fullPolicy()
            let baseline = SecurityPolicy(name: "baseline", requirements: PolicyRequirements(passcodeRequired: true))
            try await store.applyPolicyChanges(
                [.create(byod), .create(baseline)], at: time,
                audit: [Self.policyAudit(.policyCreated, byod.name), Self.policyAudit(.policyCreated, baseline.name)])
            let created = try await store.securityPolicies()
            #expect(created == [baseline, byod])  // by name
            let stored = try #require(created.last)
            #expect(stored.description == "Personal phones of clinicians")
            #expect(stored.priority == 5)
            #expect(stored.scope == PolicyScope(ownership: [.byod], deviceClass: [.phone, .tablet], role: [.clinician]))
            #expect(stored.requirements.minimumOSVersion == [.ios: "17.4", .android: "14", .windows: "10.0.22631"])
            #expect(stored.requirements.approvedModels == ["iPhone 15", "Pixel 8"])
            #expect(stored.gracePeriodMinutes == 90)
            #expect(
                stored.escalation == [
                    EscalationStep(afterMinutes: 0, action: .notify), EscalationStep(afterMinutes: 1_440, action: .blockPHI),
                    EscalationStep(afterMinutes: 10_080, action: .selectiveWipe),
                ])
            let createdEvents = try await store.auditEvents(AuditEventFilter(action: .policyCreated), .first).items
            #expect(Set(createdEvents.compactMap(\.target?.id)) == [byod.name, baseline.name])

            // An update replaces every field, and leaves out what the new version leaves out.
            var updated = byod
            updated.version = 2
            updated.description = nil
            updated.priority = -3
            updated.scope = PolicyScope(ownership: [.byod, .corporate])
            updated.requirements = PolicyRequirements(minimumOSVersion: [.ipados: "18.0"], maximumScreenLockSeconds: 60)
            updated.gracePeriodMinutes = nil
            updated.escalation = nil
            try await store.applyPolicyChanges(
                [.update(updated, fromVersion: 1)], at: time.addingTimeInterval(1),
                audit: [Self.policyAudit(.policyUpdated, byod.name)])
            #expect(try await store.securityPolicies() == [baseline, updated])
            let updatedEvents = try await store.auditEvents(AuditEventFilter(action: .policyUpdated), .first).items
            #expect(updatedEvents.map(\.target?.id) == [byod.name])

            // Removing at the current version removes it.
            try await store.applyPolicyChanges(
                [.remove(name: baseline.name, version: 1)], at: time.addingTimeInterval(2),
                audit: [Self.policyAudit(.policyRemoved, baseline.name)])
            #expect(try await store.securityPolicies() == [updated])
            let removedEvents = try await store.auditEvents(AuditEventFilter(action: .policyRemoved), .first).items
            #expect(removedEvents.map(\.target?.id) == [baseline.name])

            // A removed name can be created again, at version 1.
            try await store.applyPolicyChanges(
                [.create(baseline)], at: time.addingTimeInterval(3), audit: [Self.policyAudit(.policyCreated, baseline.name)])
            #expect(try await store.securityPolicies() == [baseline, updated])
        }
    }

    @Test(arguments: StoreBackend.available)
    func staleOrTakenPolicyChangesConflictAndWriteNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let byod = Self.fullPolicy()
            let baseline = SecurityPolicy(name: "baseline", requirements: PolicyRequirements(passcodeRequired: true))
            try await store.applyPolicyChanges(
                [.create(byod), .create(baseline)], at: time,
                audit: [Self.policyAudit(.policyCreated, byod.name), Self.policyAudit(.policyCreated, baseline.name)])
            var second = byod
            second.version = 2
            second.priority = 9
            try await store.applyPolicyChanges(
                [.update(second, fromVersion: 1)], at: time, audit: [Self.policyAudit(.policyUpdated, byod.name)])
            let before = try await store.securityPolicies()
            #expect(before == [baseline, second])
            let size = try await store.ledgerSize()

            var stale = second
            stale.version = 2
            stale.priority = 100
            var late = baseline
            late.name = "late-comer"
            var taken = baseline
            taken.requirements = PolicyRequirements(storageEncryptionRequired: true)
            let attempts: [(String, [PolicyChange])] = [
                ("update at a stale version", [.update(stale, fromVersion: 1)]),
                ("update at a version not reached", [.update(stale, fromVersion: 5)]),
                ("remove at a stale version", [.remove(name: byod.name, version: 1)]),
                ("remove of an unknown policy", [.remove(name: "no-such-policy", version: 1)]),
                ("update of an unknown policy", [.update(late, fromVersion: 1)]),
                ("create of a taken name", [.create(taken)]),
                // A good change beside a stale one is not written either: the whole batch is refused.
                ("create then stale update", [.create(late), .update(stale, fromVersion: 1)]),
                ("good remove then stale remove", [.remove(name: baseline.name, version: 1), .remove(name: byod.name, version: 1)]),
            ]
            for (label, changes) in attempts {
                let error = await #expect(throws: StoreError.self, "\(label)") {
                    try await store.applyPolicyChanges(
                        changes, at: time.addingTimeInterval(5),
                        audit: changes.map { Self.policyAudit(.policyUpdated, $0.name) })
                }
                if let error, case .conflict = error {} else { Issue.record("\(label): \(String(describing: error)) is no conflict") }
                #expect(try await store.securityPolicies() == before, "\(label)")
                #expect(try await store.ledgerSize() == size, "\(label)")
            }
            let updatedEvents = try await store.auditEvents(AuditEventFilter(action: .policyUpdated), .first).items
            #expect(updatedEvents.count == 1)
        }
    }

    // MARK: Evaluation subjects

    @Test(arguments: StoreBackend.available)
    func evaluationSubjectsPageActiveDevicesInIDOrderWithTheirPerson(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let admin = Fixtures.person(.admin)
            try await store.createPerson(admin, audit: Fixtures.audit())
            let nurse = Fixtures.person(.clinician)
            var manager = Fixtures.person(.nurseManager)
            manager.roles = [.nurseManager, .clinician]
            var devices: [Device] = []
            for index in 0..<4 {
                devices.append(try await Fixtures.enrollDevice(for: nurse, in: store, at: time.addingTimeInterval(Double(index))).device)
            }
            let managed = try await Fixtures.enrollDevice(for: manager, ownership: .byod, deviceClass: .tablet, in: store).device
            _ = try await store.updatePerson(id: manager.id, audit: Fixtures.audit()) { $0.status = .suspended }
            _ = try await store.recordCheckIns([DeviceCheckIn(deviceID: devices[0].id, posture: Fixtures.posture(), at: time)])
            let retired = devices[2]
            _ = try await store.updateDevice(id: retired.id, audit: Fixtures.audit()) {
                try $0.retire(disposition: .returned, custodian: "IT", note: nil, by: admin.id, at: time)
            }
            let active = ([managed] + devices.filter { $0.id != retired.id }).map(\.id).sorted()

            var paged: [EvaluationSubject] = []
            var after: DeviceID?
            var pages = 0
            while pages < 10 {
                let page = try await store.evaluationSubjects(after: after, limit: 2, at: time)
                paged += page
                pages += 1
                guard page.count == 2 else { break }
                after = page.last?.device.id
            }
            #expect(paged.map(\.device.id) == active)
            #expect(pages == 3)
            #expect(try await store.evaluationSubjects(after: nil, limit: 100, at: time).map(\.device.id) == active)
            #expect(try await store.evaluationSubjects(after: active[1], limit: 100, at: time).map(\.device.id) == Array(active[2...]))
            #expect(try await store.evaluationSubjects(after: active.last, limit: 100, at: time).isEmpty)

            for subject in paged {
                #expect(try await store.device(id: subject.device.id) == subject.device)
                #expect(subject.recorded == nil)
                #expect(subject.emergency == nil)
                #expect(subject.device.compliance == .notEvaluated)
                if subject.device.id == managed.id {
                    #expect(subject.roles == [.nurseManager, .clinician])
                    #expect(subject.personStatus == .suspended)
                } else {
                    #expect(subject.roles == [.clinician])
                    #expect(subject.personStatus == .active)
                }
            }
            #expect(paged.first { $0.device.id == devices[0].id }?.device.posture == Fixtures.posture())

            // One device is read whether retired or not.
            let one = try #require(try await store.evaluationSubject(deviceID: retired.id, at: time))
            #expect(try await store.device(id: retired.id) == one.device)
            #expect(one.device.retirement?.disposition == .returned)
            #expect(one.device.custody == .retired)
            #expect(one.roles == [.clinician])
            #expect(one.personStatus == .active)
            #expect(one.recorded == nil)
            #expect(one.emergency == nil)
            let suspended = try #require(try await store.evaluationSubject(deviceID: managed.id, at: time))
            #expect(suspended.personStatus == .suspended)
            #expect(try await store.evaluationSubject(deviceID: DeviceID.generate(at: time), at: time) == nil)
        }
    }

    // MARK: Evaluations

    @Test(arguments: StoreBackend.available)
    func evaluationsAreRecordedReadBackAndFollowedByDueActions(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t0 = Fixtures.now
            let phones = Self.phonesPolicy
            try await store.applyPolicyChanges([.create(phones)], at: t0, audit: [])
            let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
            let actor = AuditActor.system("tests")
            let nurse = Fixtures.person(.clinician)
            let a = try await Fixtures.enrollDevice(for: nurse, in: store, at: t0).device
            let b = try await Fixtures.enrollDevice(for: nurse, in: store, at: t0).device
            let c = try await Fixtures.enrollDevice(for: nurse, in: store, at: t0).device
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: a.id, posture: Fixtures.posture(osVersion: "16.7"), at: t0),
                DeviceCheckIn(deviceID: b.id, posture: Fixtures.posture(osVersion: "17.5"), at: t0),
            ])

            // Round 1: a starts failing (in its grace period), b complies, c has never checked in.
            let round1 = try await Self.evaluate([a.id, b.id, c.id], in: store, with: evaluator, at: t0, actor: actor)
            #expect(round1.map(\.changed) == [true, true, true])
            #expect(round1.map(\.replacesRevision) == [nil, nil, nil])
            let a1 = round1[0]
            #expect(a1.state.compliance == ComplianceStatus(state: .inGracePeriod, failingSince: t0, graceUntil: t0.addingTimeInterval(3_600)))
            #expect(a1.state.failures == [.minimumOSVersion])
            #expect(a1.state.decision.allowed)
            #expect(a1.state.decision.notes.contains(.inGracePeriod))
            #expect(a1.newDueActions.count == 2)
            #expect(round1[1].state.compliance.state == .compliant)
            #expect(round1[2].state.compliance.state == .notEvaluated)
            #expect(round1[2].state.decision.denials == .complianceNotEvaluated)
            var size = try await store.ledgerSize()
            #expect(try await store.recordEvaluations(round1) == [])
            #expect(try await store.ledgerSize() == size + Int64(round1.flatMap(\.events).count))
            size = try await store.ledgerSize()
            for outcome in round1 { try await Self.expectRecorded(outcome.state, of: outcome.deviceID, in: store, at: t0) }
            #expect(try await store.device(id: a.id)?.compliance == .inGracePeriod)
            #expect(try await store.device(id: b.id)?.compliance == .compliant)
            #expect(try await store.device(id: c.id)?.compliance == .notEvaluated)
            let aEvents = try await store.auditEvents(AuditEventFilter(targetType: "device", targetID: a.id.rawValue), .first)
            #expect(aEvents.items.map(\.action) == [.accessChanged, .deviceEnrolled])
            #expect(aEvents.items.first?.actor == actor)

            // Its escalation is due from when it started failing.
            let aActions = try await store.dueActions(deviceID: a.id, state: nil, .first).items
            #expect(aActions == a1.newDueActions.sorted { $0.id < $1.id })
            #expect(Set(aActions.map(\.dueAt)) == [t0, t0.addingTimeInterval(240 * 60)])
            #expect(Set(aActions.map(\.action)) == [.notify, .lock])
            #expect(aActions.allSatisfy {
                $0.state == .pending && $0.policy == PolicyReference(name: "phones", version: 1) && $0.createdAt == t0
                    && $0.resolvedAt == nil && $0.deviceID == a.id
            })
            #expect(try await store.dueActions(deviceID: b.id, state: nil, .first).items.isEmpty)

            // Round 2: a's grace runs out and access turns to deny; b starts failing.
            let t1 = t0.addingTimeInterval(7_200)
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: b.id, posture: Fixtures.posture(osVersion: "16.7"), at: t1)
            ])
            let bBefore = try #require(try await store.evaluationSubject(deviceID: b.id, at: t1))
            let round2 = try await Self.evaluate([a.id, b.id], in: store, with: evaluator, at: t1, actor: actor)
            let (a2, b2) = (round2[0], round2[1])
            #expect(a2.replacesRevision == 1)
            #expect(a2.state.revision == 2)
            #expect(a2.state.compliance == ComplianceStatus(state: .noncompliant, failingSince: t0, graceUntil: t0.addingTimeInterval(3_600)))
            #expect(a2.state.decision.denials == .noncompliant)
            #expect(a2.state.decisionChangedAt == t1)
            #expect(a2.state.grantsRevokedAt == t1)
            #expect(a2.newDueActions.isEmpty)
            #expect(b2.state.compliance.state == .inGracePeriod)
            #expect(b2.newDueActions.count == 2)
            #expect(try await store.recordEvaluations(round2) == [])
            #expect(try await store.ledgerSize() == size + Int64(round2.flatMap(\.events).count))
            size = try await store.ledgerSize()
            try await Self.expectRecorded(a2.state, of: a.id, in: store, at: t1)
            try await Self.expectRecorded(b2.state, of: b.id, in: store, at: t1)
            #expect(try await store.device(id: a.id)?.compliance == .noncompliant)
            #expect(try await store.device(id: b.id)?.compliance == .inGracePeriod)

            // An evaluation that raced with round 2 and lost: neither its state, nor its due
            // actions, nor its events are written; a fresh outcome beside it is.
            let bRace = evaluator.evaluate(bBefore, at: t1.addingTimeInterval(1), actor: actor)
            #expect(bRace.replacesRevision == 1)
            #expect(bRace.newDueActions.count == 2)
            #expect(!bRace.events.isEmpty)
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: c.id, posture: Fixtures.posture(osVersion: "17.5"), at: t1)
            ])
            let c2 = try await Self.evaluate([c.id], in: store, with: evaluator, at: t1, actor: actor)[0]
            #expect(c2.state.compliance.state == .compliant)
            #expect(try await store.recordEvaluations([bRace, c2]) == [b.id])
            #expect(try await store.ledgerSize() == size + Int64(c2.events.count))
            size = try await store.ledgerSize()
            try await Self.expectRecorded(b2.state, of: b.id, in: store, at: t1)
            try await Self.expectRecorded(c2.state, of: c.id, in: store, at: t1)
            #expect(try await store.device(id: c.id)?.compliance == .compliant)
            let bActions = try await store.dueActions(deviceID: b.id, state: nil, .first).items
            #expect(bActions == b2.newDueActions.sorted { $0.id < $1.id })

            // Round 3: nothing changed, nothing is written.
            let round3 = try await Self.evaluate([a.id, b.id, c.id], in: store, with: evaluator, at: t1.addingTimeInterval(60), actor: actor)
            #expect(round3.map(\.changed) == [false, false, false])
            #expect(try await store.recordEvaluations(round3) == [])
            #expect(try await store.ledgerSize() == size)
            try await Self.expectRecorded(a2.state, of: a.id, in: store, at: t1)

            // Round 4: a complies again; its pending due actions are cancelled, b's are not.
            let t2 = t1.addingTimeInterval(10_800)
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: a.id, posture: Fixtures.posture(osVersion: "17.5"), at: t2)
            ])
            let a4 = try await Self.evaluate([a.id], in: store, with: evaluator, at: t2, actor: actor)[0]
            #expect(a4.cancelsDueActions)
            #expect(a4.state.compliance == ComplianceStatus(state: .compliant))
            #expect(a4.state.failures == [])
            #expect(a4.state.decision.allowed)
            #expect(a4.state.grantsRevokedAt == t1)
            #expect(a4.state.revision == 3)
            #expect(try await store.recordEvaluations([a4]) == [])
            try await Self.expectRecorded(a4.state, of: a.id, in: store, at: t2)
            #expect(try await store.device(id: a.id)?.compliance == .compliant)
            let cancelled = try await store.dueActions(deviceID: a.id, state: .cancelled, .first).items
            #expect(cancelled.map(\.id) == aActions.map(\.id))
            #expect(cancelled.allSatisfy { $0.state == .cancelled && $0.resolvedAt == t2 })
            #expect(try await store.dueActions(deviceID: a.id, state: .pending, .first).items.isEmpty)
            #expect(try await store.dueActions(deviceID: nil, state: .pending, .first).items == bActions)
            #expect(try await store.dueActions(deviceID: b.id, state: .cancelled, .first).items.isEmpty)
            #expect(try await store.dueActions(deviceID: c.id, state: nil, .first).items.isEmpty)

            // All due actions, paged, in ID order.
            var all: [DueAction] = []
            var page = try PageRequest(limit: 3)
            var pages = 0
            while pages < 10 {
                let found = try await store.dueActions(deviceID: nil, state: nil, page)
                all += found.items
                pages += 1
                guard let next = found.nextAfter else { break }
                page = try PageRequest(limit: 3, after: next)
            }
            #expect(pages == 2)
            #expect(all.map(\.id) == (aActions + bActions).map(\.id).sorted())
            let pendingPage = try await store.dueActions(deviceID: nil, state: .pending, PageRequest(limit: 1))
            #expect(pendingPage.items == [bActions[0]])
            let pendingRest = try await store.dueActions(
                deviceID: nil, state: .pending, PageRequest(limit: 1, after: pendingPage.nextAfter))
            #expect(pendingRest.items == [bActions[1]])
            #expect(pendingRest.nextAfter == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aLateOrDuplicateOutcomeIsNotWritten(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t0 = Fixtures.now
            let agents = SecurityPolicy(name: "agents", requirements: PolicyRequirements(minimumAgentVersion: "1.0"))
            try await store.applyPolicyChanges([.create(Self.phonesPolicy), .create(agents)], at: t0, audit: [])
            let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
            let actor = AuditActor.system("tests")
            let device = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store, at: t0).device
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: device.id, posture: Fixtures.posture(osVersion: "16.0"), at: t0)
            ])
            let subject = try #require(try await store.evaluationSubject(deviceID: device.id, at: t0))
            // Two evaluations of a never-evaluated device in one batch: the first inserts, the second loses.
            let first = evaluator.evaluate(subject, at: t0, actor: actor)
            #expect(first.state.failures == [.minimumOSVersion, .minimumAgentVersion])  // several failures round-trip in order
            let second = evaluator.evaluate(subject, at: t0.addingTimeInterval(1), actor: actor)
            #expect(first.newDueActions.count == 2)
            #expect(second.newDueActions.count == 2)
            let size = try await store.ledgerSize()
            #expect(try await store.recordEvaluations([first, second]) == [device.id])
            #expect(try await store.ledgerSize() == size + Int64(first.events.count))
            try await Self.expectRecorded(first.state, of: device.id, in: store, at: t0)
            #expect(
                try await store.dueActions(deviceID: device.id, state: nil, .first).items
                    == first.newDueActions.sorted { $0.id < $1.id })

            // The same late outcome in a batch of its own.
            #expect(try await store.recordEvaluations([second]) == [device.id])
            #expect(try await store.ledgerSize() == size + Int64(first.events.count))
            #expect(try await store.dueActions(deviceID: device.id, state: nil, .first).items.count == 2)
            try await Self.expectRecorded(first.state, of: device.id, in: store, at: t0)

            // An unchanged outcome is not written even beside a changed one; nothing at all for an empty list.
            #expect(try await store.recordEvaluations([]) == [])
            var unchanged = first
            unchanged.changed = false
            unchanged.state.revision = 99
            #expect(try await store.recordEvaluations([unchanged]) == [])
            try await Self.expectRecorded(first.state, of: device.id, in: store, at: t0)
            #expect(try await store.ledgerSize() == size + Int64(first.events.count))
        }
    }

    // MARK: Emergency access

    @Test(arguments: StoreBackend.available)
    func emergencyAccessesRoundTripListReviewAndShowWhileActive(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t0 = Fixtures.now
            let officer = Fixtures.person(.securityOfficer)
            try await store.createPerson(officer, audit: Fixtures.audit())
            let nurse = Fixtures.person(.clinician)
            let device = try await Fixtures.enrollDevice(for: nurse, in: store, at: t0).device
            let other = try await Fixtures.enrollDevice(for: nurse, in: store, at: t0).device
            func access(_ id: Date, on device: Device, from start: Date, minutes: Double) -> EmergencyAccess {
                EmergencyAccess(
                    id: .generate(at: id), deviceID: device.id, personID: nurse.id, reason: "Code blue in bay \(Int(minutes))",
                    startedAt: start, expiresAt: start.addingTimeInterval(minutes * 60))
            }
            let past = access(t0.addingTimeInterval(-7_200), on: device, from: t0.addingTimeInterval(-7_200), minutes: 60)
            let current = access(t0, on: device, from: t0, minutes: 30)
            let shorter = access(t0.addingTimeInterval(1), on: device, from: t0.addingTimeInterval(60), minutes: 5)
            let elsewhere = access(t0.addingTimeInterval(2), on: other, from: t0.addingTimeInterval(3_600), minutes: 15)
            let size = try await store.ledgerSize()
            for record in [past, current, shorter, elsewhere] {
                try await store.createEmergencyAccess(
                    record,
                    audit: Fixtures.audit(.emergencyAccessInvoked, target: .device(record.deviceID), at: record.startedAt))
            }
            #expect(try await store.ledgerSize() == size + 4)
            for record in [past, current, shorter, elsewhere] {
                #expect(try await store.emergencyAccess(id: record.id) == record)
            }
            #expect(try await store.emergencyAccess(id: .generate(at: t0)) == nil)

            // Newest first, paged.
            let newestFirst = [elsewhere, shorter, current, past]
            #expect(try await store.emergencyAccesses(unreviewedOnly: false, .first).items == newestFirst)
            let firstPage = try await store.emergencyAccesses(unreviewedOnly: false, PageRequest(limit: 3))
            #expect(firstPage.items == Array(newestFirst.prefix(3)))
            let secondPage = try await store.emergencyAccesses(
                unreviewedOnly: false, PageRequest(limit: 3, after: firstPage.nextAfter))
            #expect(secondPage.items == [past])
            #expect(secondPage.nextAfter == nil)

            // A review is kept, and takes the access out of the unreviewed list.
            let reviewedAt = t0.addingTimeInterval(600)
            let reviewed = try await store.updateEmergencyAccess(
                id: current.id, audit: Fixtures.audit(.emergencyAccessReviewed, at: reviewedAt)
            ) {
                $0.reviewedBy = officer.id
                $0.reviewedAt = reviewedAt
                $0.reviewNote = "Justified: documented code blue"
            }
            var expected = current
            expected.reviewedBy = officer.id
            expected.reviewedAt = reviewedAt
            expected.reviewNote = "Justified: documented code blue"
            #expect(reviewed == expected)
            #expect(try await store.emergencyAccess(id: current.id) == expected)
            #expect(try await store.emergencyAccesses(unreviewedOnly: false, .first).items == [elsewhere, shorter, expected, past])
            #expect(try await store.emergencyAccesses(unreviewedOnly: true, .first).items == [elsewhere, shorter, past])
            let unreviewedPage = try await store.emergencyAccesses(unreviewedOnly: true, PageRequest(limit: 2))
            #expect(unreviewedPage.items == [elsewhere, shorter])
            let unreviewedRest = try await store.emergencyAccesses(
                unreviewedOnly: true, PageRequest(limit: 2, after: unreviewedPage.nextAfter))
            #expect(unreviewedRest.items == [past])
            #expect(try await store.auditEvents(AuditEventFilter(action: .emergencyAccessReviewed), .first).items.count == 1)
            let missing = Identifier<EmergencyAccess>.generate(at: t0)
            await #expect(throws: StoreError.notFound("emergency access \(missing)")) {
                try await store.updateEmergencyAccess(id: missing, audit: Fixtures.audit()) { $0.reviewNote = "x" }
            }
            #expect(try await store.auditEvents(AuditEventFilter(action: .emergencyAccessReviewed), .first).items.count == 1)

            // A subject carries the emergency in force, only while started and not yet expired,
            // and the one lasting longest when several are.
            func emergency(of device: Device, at now: Date) async throws -> ActiveEmergency? {
                try await Self.emergency(of: device.id, in: store, at: now)
            }
            let pastUntil = ActiveEmergency(id: past.id, until: past.expiresAt)
            let currentUntil = ActiveEmergency(id: current.id, until: current.expiresAt)
            let checks: [(TimeInterval, ActiveEmergency?)] = [
                (-7_201, nil), (-7_200, pastUntil), (-3_600.001, pastUntil), (-3_600, nil), (-0.001, nil),
                (0, currentUntil), (120, currentUntil), (1_799.999, currentUntil), (1_800, nil), (3_600, nil),
            ]
            for (offset, want) in checks {
                #expect(try await emergency(of: device, at: t0.addingTimeInterval(offset)) == want, "at \(offset)")
            }
            let elsewhereUntil = ActiveEmergency(id: elsewhere.id, until: elsewhere.expiresAt)
            #expect(try await emergency(of: other, at: t0) == nil)
            #expect(try await emergency(of: other, at: t0.addingTimeInterval(3_600)) == elsewhereUntil)
            #expect(try await emergency(of: other, at: t0.addingTimeInterval(4_500)) == nil)

            // The evaluator sees it, and notes it only when it overrides something: a device in its
            // grace period keeps access anyway, so its decision is an ordinary one.
            try await store.applyPolicyChanges([.create(Self.phonesPolicy)], at: t0, audit: [])
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: device.id, posture: Fixtures.posture(osVersion: "15.0"), at: t0)
            ])
            let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
            let now = t0.addingTimeInterval(120)
            let subject = try #require(try await store.evaluationSubject(deviceID: device.id, at: now))
            let outcome = evaluator.evaluate(subject, at: now, actor: .system("tests"))
            #expect(outcome.state.decision.allowed)
            #expect(outcome.state.decision.notes.contains(.inGracePeriod))
            #expect(!outcome.state.decision.notes.contains(.emergencyAccess))
        }
    }

    // MARK: Grants

    @Test(arguments: StoreBackend.available)
    func revokingGrantsBumpsTheRevisionOfAnEvaluatedDeviceOnly(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t0 = Fixtures.now
            try await store.applyPolicyChanges([.create(Self.phonesPolicy)], at: t0, audit: [])
            let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
            let device = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store, at: t0).device
            _ = try await store.recordCheckIns([DeviceCheckIn(deviceID: device.id, posture: Fixtures.posture(), at: t0)])

            let size = try await store.ledgerSize()
            await #expect(throws: StoreError.notFound("evaluated device \(device.id)")) {
                try await store.revokeGrants(deviceID: device.id, at: t0, audit: Fixtures.audit(.grantsRevoked))
            }
            let unknown = DeviceID.generate(at: t0)
            await #expect(throws: StoreError.notFound("evaluated device \(unknown)")) {
                try await store.revokeGrants(deviceID: unknown, at: t0, audit: Fixtures.audit(.grantsRevoked))
            }
            #expect(try await store.ledgerSize() == size)

            let subject = try #require(try await store.evaluationSubject(deviceID: device.id, at: t0))
            let outcome = evaluator.evaluate(subject, at: t0, actor: .system("tests"))
            #expect(outcome.state.compliance.state == .compliant)
            #expect(outcome.state.grantsRevokedAt == nil)
            #expect(try await store.recordEvaluations([outcome]) == [])
            let revokedAt = t0.addingTimeInterval(30)
            let before = try await store.ledgerSize()
            try await store.revokeGrants(
                deviceID: device.id, at: revokedAt, audit: Fixtures.audit(.grantsRevoked, target: .device(device.id)))
            #expect(try await store.ledgerSize() == before + 1)
            var expected = outcome.state
            expected.grantsRevokedAt = revokedAt
            expected.revision = outcome.state.revision + 1
            try await Self.expectRecorded(expected, of: device.id, in: store, at: revokedAt)

            // An evaluation made before the revocation no longer fits the revision: it is refused.
            var later = try #require(try await store.evaluationSubject(deviceID: device.id, at: revokedAt))
            later.device.posture = Fixtures.posture(osVersion: "15.0")
            later.recorded = outcome.state
            let stale = evaluator.evaluate(later, at: revokedAt, actor: .system("tests"))
            #expect(stale.changed)
            #expect(stale.replacesRevision == 1)
            #expect(try await store.recordEvaluations([stale]) == [device.id])
            try await Self.expectRecorded(expected, of: device.id, in: store, at: revokedAt)

            // Revoking again moves the instant on and bumps the revision once more.
            try await store.revokeGrants(deviceID: device.id, at: revokedAt.addingTimeInterval(5), audit: Fixtures.audit(.grantsRevoked))
            expected.grantsRevokedAt = revokedAt.addingTimeInterval(5)
            expected.revision += 1
            try await Self.expectRecorded(expected, of: device.id, in: store, at: revokedAt)
        }
    }

    @Test(arguments: StoreBackend.available)
    func addingAGrantKeyRetiresThePreviousOne(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t0 = Fixtures.now
            #expect(try await store.grantKeys() == [])
            let keys = (0..<3).map { _ in Ed25519SigningKey().publicKey }
            let size = try await store.ledgerSize()
            for (index, key) in keys.enumerated() {
                try await store.addGrantKey(
                    key, at: t0.addingTimeInterval(Double(index)), audit: Fixtures.audit(.grantKeyRotated))
            }
            #expect(try await store.ledgerSize() == size + 3)
            let stored = try await store.grantKeys()
            #expect(
                stored == [
                    SigningKeyRecord(publicKey: keys[0], createdAt: t0, retiredAt: t0.addingTimeInterval(1)),
                    SigningKeyRecord(publicKey: keys[1], createdAt: t0.addingTimeInterval(1), retiredAt: t0.addingTimeInterval(2)),
                    SigningKeyRecord(publicKey: keys[2], createdAt: t0.addingTimeInterval(2), retiredAt: nil),
                ])
            #expect(stored.filter { $0.retiredAt == nil }.map(\.publicKey) == [keys[2]])
            // Grant keys are their own: the ledger's keys are untouched.
            #expect(try await store.ledgerKeys() == [])
        }
    }

    // MARK: Helpers

    /// A policy that sets every field.
    static func fullPolicy() -> SecurityPolicy {
        SecurityPolicy(
            name: "byod-phones", description: "Personal phones of clinicians", version: 1, priority: 5,
            scope: PolicyScope(ownership: [.byod], deviceClass: [.phone, .tablet], role: [.clinician]),
            requirements: PolicyRequirements(
                minimumOSVersion: [.ios: "17.4", .android: "14", .windows: "10.0.22631"], maximumPatchAgeDays: 90,
                passcodeRequired: true, minimumPasscodeLength: 6, storageEncryptionRequired: true, jailbreakForbidden: true,
                maximumScreenLockSeconds: 300, minimumAgentVersion: "0.1.0", approvedModels: ["iPhone 15", "Pixel 8"],
                maximumDaysSinceCheckIn: 14),
            gracePeriodMinutes: 90,
            escalation: [
                EscalationStep(afterMinutes: 0, action: .notify), EscalationStep(afterMinutes: 1_440, action: .blockPHI),
                EscalationStep(afterMinutes: 10_080, action: .selectiveWipe),
            ])
    }

    /// iOS 17.4 or later, an hour's grace, a notice at once and a lock after four hours.
    static let phonesPolicy = SecurityPolicy(
        name: "phones", requirements: PolicyRequirements(minimumOSVersion: [.ios: "17.4"]), gracePeriodMinutes: 60,
        escalation: [EscalationStep(afterMinutes: 0, action: .notify), EscalationStep(afterMinutes: 240, action: .lock)])

    static func policyAudit(_ action: AuditAction, _ name: String) -> AuditEventDraft {
        Fixtures.audit(action, target: AuditTarget(type: "policy", id: name))
    }

    /// Reads each device's subject at `now` and evaluates it.
    static func evaluate(
        _ ids: [DeviceID], in store: any VigilStore, with evaluator: ComplianceEvaluator, at now: Date, actor: AuditActor
    ) async throws -> [EvaluationOutcome] {
        var outcomes: [EvaluationOutcome] = []
        for id in ids {
            let subject = try #require(try await store.evaluationSubject(deviceID: id, at: now))
            outcomes.append(evaluator.evaluate(subject, at: now, actor: actor))
        }
        return outcomes
    }

    /// The emergency a device's subject carries at `now`, read alone and in the list, which must agree.
    static func emergency(
        of id: DeviceID, in store: any VigilStore, at now: Date, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ActiveEmergency? {
        let one = try await store.evaluationSubject(deviceID: id, at: now)?.emergency
        let listed = try await store.evaluationSubjects(after: nil, limit: 10, at: now).first { $0.device.id == id }?.emergency
        #expect(one == listed, sourceLocation: sourceLocation)
        return one
    }

    /// Checks the recorded state of a device field by field, and that the device's compliance follows it.
    static func expectRecorded(
        _ expected: DeviceAccessState, of id: DeviceID, in store: any VigilStore, at now: Date,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let subject = try #require(try await store.evaluationSubject(deviceID: id, at: now), sourceLocation: sourceLocation)
        let recorded = try #require(subject.recorded, sourceLocation: sourceLocation)
        #expect(recorded.compliance.state == expected.compliance.state, sourceLocation: sourceLocation)
        #expect(recorded.compliance.failingSince == expected.compliance.failingSince, sourceLocation: sourceLocation)
        #expect(recorded.compliance.graceUntil == expected.compliance.graceUntil, sourceLocation: sourceLocation)
        #expect(recorded.failures == expected.failures, sourceLocation: sourceLocation)
        #expect(recorded.decision.denials == expected.decision.denials, sourceLocation: sourceLocation)
        #expect(recorded.decision.notes == expected.decision.notes, sourceLocation: sourceLocation)
        #expect(recorded.decision.allowed == expected.decision.allowed, sourceLocation: sourceLocation)
        #expect(recorded.decisionChangedAt == expected.decisionChangedAt, sourceLocation: sourceLocation)
        #expect(recorded.grantsRevokedAt == expected.grantsRevokedAt, sourceLocation: sourceLocation)
        #expect(recorded.evaluatedAt == expected.evaluatedAt, sourceLocation: sourceLocation)
        #expect(recorded.revision == expected.revision, sourceLocation: sourceLocation)
        #expect(recorded == expected, sourceLocation: sourceLocation)
        #expect(subject.device.compliance == expected.compliance.state, sourceLocation: sourceLocation)
    }
}
