import Testing
@testable import CanCuocCore

@Suite struct ApplicationRulesTests {
    @Test func reasonsFollowKindAndLaw() throws {
        #expect(try ApplicationKind.first.validate(reason: nil, under: .citizenIdentification2014) == nil)
        #expect(try ApplicationKind.renewal.validate(reason: .thresholdAge, under: .citizenIdentification2014) == .thresholdAge)
        #expect(throws: ApplicationRuleError.reasonRequired(kind: .regrant, allowed: [.lost, .regainedNationality])) {
            try ApplicationKind.regrant.validate(reason: nil, under: .identification2023)
        }
        #expect(throws: ApplicationRuleError.reasonNotForKind(reason: .lost, kind: .renewal)) {
            try ApplicationKind.renewal.validate(reason: .lost, under: .identification2023)
        }
        // A change caused by an administrative-unit reorganisation is a reason only under the 2023 law.
        #expect(throws: ApplicationRuleError.reasonNotUnderLaw(reason: .unitReorganisation, law: .citizenIdentification2014)) {
            try ApplicationKind.renewal.validate(reason: .unitReorganisation, under: .citizenIdentification2014)
        }
        #expect(try ApplicationKind.renewal.validate(reason: .unitReorganisation, under: .identification2023) == .unitReorganisation)
        #expect(ApplicationKind.conversion.reasons(under: .citizenIdentification2014) == [.fromCMND9, .fromCMND12, .fromBarcodeCCCD])
        #expect(ApplicationKind.renewal.reasons(under: .citizenIdentification2014).count == 7)
        #expect(ApplicationKind.renewal.reasons(under: .identification2023).count == 8)
    }

    @Test func thePipelineAllowsOnlyItsMoves() throws {
        var state = ApplicationState.received
        for (target, actor) in [(ApplicationState.transferred, ApplicationState.Actor.desk), (.approved, .approver), (.personalised, .production),
                                (.printed, .production), (.dispatched, .production), (.handedOver, .delivery)] {
            #expect(try state.transition(to: target).actor == actor)
            state = target
        }
        #expect(state.isFinal && state.next.isEmpty)
        #expect(try ApplicationState.transferred.transition(to: .received).actor == .approver)  // returned for correction
        #expect(throws: ApplicationRuleError.transitionNotAllowed(from: .received, to: .approved)) { try ApplicationState.received.transition(to: .approved) }
        #expect(throws: ApplicationRuleError.transitionNotAllowed(from: .printed, to: .cancelled)) { try ApplicationState.printed.transition(to: .cancelled) }
        #expect(throws: ApplicationRuleError.transitionNotAllowed(from: .refused, to: .received)) { try ApplicationState.refused.transition(to: .received) }
        #expect(ApplicationState(rawValue: "handed-over") == .handedOver)
        #expect(ApplicationState.received.serviceLevelWorkingDays == 2 && ApplicationState.transferred.serviceLevelWorkingDays == 3)
    }

    @Test func deadlinesByLawKindAndArea() {
        #expect(ProcessingDeadline.workingDays(law: .citizenIdentification2014, kind: .first, area: .urban) == 7)
        #expect(ProcessingDeadline.workingDays(law: .citizenIdentification2014, kind: .regrant, area: .urban) == 15)
        #expect(ProcessingDeadline.workingDays(law: .citizenIdentification2014, kind: .renewal, area: .remote) == 20)
        #expect(ProcessingDeadline.workingDays(law: .citizenIdentification2014, kind: .conversion, area: .other) == 15)
        #expect(ProcessingDeadline.workingDays(law: .identification2023, kind: .regrant, area: .remote) == 7)
    }
}

@Suite struct FeeScheduleTests {
    let fees = FeeSchedule.shipped

    func fee(_ date: String, _ kind: ApplicationKind, _ reason: ApplicationReason? = nil, age: Int = 30,
             declared: Set<FeeSchedule.Exemption> = []) throws -> FeeSchedule.Decision {
        try fees.fee(on: try LocalDate(iso: date), kind: kind, reason: reason, age: age, declared: declared)
    }

    @Test func the2014LawInTheChipCardEra() throws {
        #expect(try fee("2021-07-24", .first).dueVND == 0)
        #expect(try fee("2021-07-24", .renewal, .thresholdAge).dueVND == 0)
        #expect(try fee("2021-07-24", .renewal, .damaged).dueVND == 50_000)
        #expect(try fee("2021-07-24", .regrant, .lost).dueVND == 70_000)
        #expect(try fee("2021-07-24", .conversion, .fromCMND9).dueVND == 30_000)
        // Halved in the first half of 2021.
        #expect(try fee("2021-03-01", .conversion, .fromCMND9).dueVND == 15_000)
        #expect(try fee("2021-06-30", .regrant, .lost).dueVND == 35_000)
        // No exemptions under the 2014 schedule.
        #expect(try fee("2021-07-24", .regrant, .lost, age: 65).dueVND == 70_000)
    }

    @Test func the2023LawWithExemptions() throws {
        #expect(try fee("2024-07-01", .first, age: 10).scheduledVND == 0)
        #expect(try fee("2025-01-10", .conversion, .fromBarcodeCCCD).dueVND == 30_000)
        #expect(try fee("2025-01-10", .renewal, .onRequest).dueVND == 50_000)
        #expect(try fee("2025-01-10", .renewal, .unitReorganisation).dueVND == 0)
        let child = try fee("2025-01-10", .regrant, .lost, age: 15)
        #expect(child.dueVND == 0 && child.scheduledVND == 70_000 && child.exemption == .under16)
        #expect(try fee("2025-01-10", .regrant, .lost, age: 60).exemption == .aged60)
        #expect(try fee("2025-01-10", .renewal, .damaged, declared: [.poorHousehold]).dueVND == 0)
    }

    @Test func aGapInTheScheduleIsAnError() throws {
        #expect(throws: FeeScheduleError.noFee(kind: .renewal, reason: .damaged, date: try LocalDate(iso: "2015-06-01"))) {
            try fee("2015-06-01", .renewal, .damaged)
        }
    }
}
