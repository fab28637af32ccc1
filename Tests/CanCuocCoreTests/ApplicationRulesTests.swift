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
