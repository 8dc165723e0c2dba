/**
 * The playbook catalogue: what each playbook is for, how long it runs, what must be in place
 * before it starts, how success is judged, and its ordered steps. It lives in code, the
 * same for every tenant; executions copy the step titles when they start.
 */

export const playbookKeys = ['voc_sprint', 'activation_blitz', 'sla_stabiliser', 'renewal_safeguard', 'expansion_timing'] as const;
export type PlaybookKey = (typeof playbookKeys)[number];

export interface PlaybookStep {
  title: string;
  guidance: string;
}

export interface Playbook {
  key: PlaybookKey;
  name: string;
  purpose: string;
  durationDays: number;
  prerequisites: string[];
  successCriteria: string[];
  steps: PlaybookStep[];
}

export const playbooks: readonly Playbook[] = [
  {
    key: 'voc_sprint',
    name: 'VoC sprint',
    purpose:
      'Hear in the customer’s own words why satisfaction or health is slipping, agree the fixes with their sponsor and show them the loop was closed, all within one month.',
    durationDays: 30,
    prerequisites: [
      'An executive sponsor who agrees to the sprint and at least three day-to-day users willing to talk.',
      'The account’s health explanation and the last 90 days of tickets, CSAT and NPS comments at hand.',
      'A CSM who can give the sprint about four hours a week.',
    ],
    successCriteria: [
      'At least five stakeholders interviewed across at least three roles.',
      'The top three themes played back to and confirmed by the sponsor.',
      'An action plan with an owner and a date for every action, shared with the customer.',
      'CSAT or NPS measured again at the end of the sprint and not lower than at the start.',
    ],
    steps: [
      {
        title: 'Prepare hypotheses from the data',
        guidance:
          'Read the health explanation, the KPIs in risk or critical, the last 90 days of tickets and survey comments. Write down three to five hypotheses about what is going wrong.',
      },
      {
        title: 'Agree the sprint with the sponsor',
        guidance:
          'Explain why you want to listen now, agree who you will interview, the timeline and how you will report back. Ask the sponsor to introduce you to the interviewees.',
      },
      {
        title: 'Interview at least five stakeholders',
        guidance:
          'Cover the sponsor, the admin, a power user, a recent joiner and someone known to be unhappy. Use the same short script every time and take verbatim notes.',
      },
      {
        title: 'Run a pulse survey of the wider user base',
        guidance: 'Three questions: how satisfied are you, what is your biggest blocker, what one thing should change. Keep it open for one week.',
      },
      {
        title: 'Synthesise themes',
        guidance: 'Tag every piece of feedback, group it into themes and rank them by how often they came up and how much they hurt the customer’s goals.',
      },
      {
        title: 'Play back findings and agree actions',
        guidance:
          'Present the themes to the sponsor in their words, agree the top three actions with an owner and a date each, and send the written plan the same day.',
      },
      {
        title: 'Route issues internally',
        guidance:
          'Log product feedback and support problems with the account name, revenue at stake and quotes, and get a named owner on our side for each action.',
      },
      {
        title: 'Close the loop with every interviewee',
        guidance: 'Tell each person what you heard, what will change and when. People who see their feedback acted on become your advocates.',
      },
      {
        title: 'Measure again and record the result',
        guidance: 'Re-run CSAT or NPS at the end of the sprint, compare it with the start and record what changed and what is still open.',
      },
    ],
  },
  {
    key: 'activation_blitz',
    name: 'Activation blitz',
    purpose:
      'Get a stalled account to first value in one month: raise activation, onboarding completion and adoption of the core features the customer bought us for.',
    durationDays: 30,
    prerequisites: [
      'A named admin on the customer’s side who can invite users and make decisions.',
      'The list of licensed users with their activation status.',
      'An agreed definition of an activated user for this account.',
    ],
    successCriteria: [
      'Product Activation Rate at or above the healthy threshold, or at least 15 points higher than at the start.',
      'Onboarding Completion Rate at or above the healthy threshold.',
      'The main team using at least two core features every week.',
      'The customer confirms in writing that they have reached first value.',
    ],
    steps: [
      {
        title: 'Pull the activation baseline',
        guidance: 'Activated versus licensed users, onboarding completion and the features in use, broken down by team. Name the teams that have not started.',
      },
      {
        title: 'Kick off with the customer admin',
        guidance: 'Agree the activation target, the teams in scope and a weekly 30-minute check-in for the length of the blitz.',
      },
      {
        title: 'Remove technical blockers',
        guidance: 'Single sign-on, user provisioning, integrations and data imports: log each blocker with an owner and a date, and chase them daily.',
      },
      {
        title: 'Run role-based training',
        guidance: 'Short sessions per role for the teams that have not activated, recorded and shared with a learning path for people who missed them.',
      },
      {
        title: 'Nudge invited but inactive users',
        guidance: 'In-app guides and a short email sequence from the customer admin, not from us, pointing at the first task each role should do.',
      },
      {
        title: 'Review progress weekly',
        guidance: 'Review activation by team at each check-in and ask the managers of lagging teams for help.',
      },
      {
        title: 'Capture the first-value moment',
        guidance: 'Document the use case and its measurable result with the champion, and share it with their management.',
      },
      {
        title: 'Hand over to business as usual',
        guidance: 'Set adoption goals for the next quarter, confirm who owns them on both sides and move the account back to the normal cadence.',
      },
    ],
  },
  {
    key: 'sla_stabiliser',
    name: 'SLA stabiliser',
    purpose: 'Bring support performance for the account back within its service levels in two weeks and rebuild the customer’s confidence in our response.',
    durationDays: 14,
    prerequisites: [
      'Access to the account’s open tickets and its SLA report.',
      'A support team lead assigned to the recovery.',
      'The customer’s escalation contact known.',
    ],
    successCriteria: [
      'SLA compliance at or above the healthy threshold over the last seven days.',
      'No open ticket older than its SLA.',
      'Mean time to resolution back under the trigger threshold.',
      'The customer confirms they are satisfied with the recovery.',
    ],
    steps: [
      {
        title: 'Triage the backlog',
        guidance: 'List every open ticket that breaches or is about to breach its SLA, with severity, age and owner. Do it on day one.',
      },
      {
        title: 'Call the customer’s escalation contact',
        guidance: 'Acknowledge the problem without excuses, share the recovery plan and commit to the date of the next update.',
      },
      {
        title: 'Assign a dedicated owner and a daily stand-up',
        guidance: 'One named support owner for the account and a 15-minute daily stand-up with the support lead until compliance recovers.',
      },
      {
        title: 'Clear the tickets past SLA',
        guidance: 'Resolve or escalate every breached ticket. Escalate defects to engineering with the business impact for this customer.',
      },
      {
        title: 'Fix the root cause',
        guidance:
          'Find why the breaches happened (staffing, routing, a product defect, missing knowledge articles) and change the process, not only the tickets.',
      },
      {
        title: 'Update the customer until the backlog is clear',
        guidance: 'A short written status every day or two: what was fixed, what is open, what comes next.',
      },
      {
        title: 'Review the results with the customer',
        guidance: 'On day 14, review SLA compliance and resolution times together and agree the return to the normal cadence.',
      },
    ],
  },
  {
    key: 'renewal_safeguard',
    name: 'Renewal safeguard',
    purpose:
      'Secure the renewal of an account that renews soon or shows churn risk: a value story backed by numbers, every risk mitigated and the commercial path agreed well before the date.',
    durationDays: 90,
    prerequisites: [
      'Renewal date, contract value and notice period confirmed.',
      'Decision maker and economic buyer identified.',
      'The account executive aligned on the renewal.',
    ],
    successCriteria: [
      'The renewal decision confirmed in writing before the renewal date.',
      'No open critical risk without a mitigation and an owner.',
      'The forecast updated with the outcome.',
      'A success plan for the next term agreed with the customer.',
    ],
    steps: [
      {
        title: 'Confirm the renewal facts',
        guidance: 'Date, value, notice period, decision maker, economic buyer and procurement steps. Ninety days before the date at the latest.',
      },
      {
        title: 'Review the risks',
        guidance: 'Health and its trend, KPIs in risk or critical, open escalations, sponsor changes and relationship gaps. Rate the renewal risk.',
      },
      {
        title: 'Build the value story',
        guidance: 'Outcomes delivered against the goals set at purchase, with numbers: ROI, KPIs improved, time saved.',
      },
      {
        title: 'Hold an executive business review',
        guidance:
          'Present the value story to the decision maker, address the risks openly and preview the plan for the next term. About 60 days before the date.',
      },
      {
        title: 'Mitigate every open risk',
        guidance: 'Each risk gets an owner and a date: support recovery, adoption push, new sponsor introductions.',
      },
      {
        title: 'Send the commercial proposal',
        guidance: 'Agree pricing and terms with the account executive and send the proposal about 45 days before the date.',
      },
      {
        title: 'Handle objections and negotiate',
        guidance: 'Bring in leadership where it helps. Keep a written log of every objection and how it was answered.',
      },
      {
        title: 'Close and plan the next term',
        guidance: 'Get the signed renewal, record the outcome and agree the success plan for the next term.',
      },
    ],
  },
  {
    key: 'expansion_timing',
    name: 'Expansion timing',
    purpose: 'Turn a healthy, growing account into an expansion opportunity at the right moment, backed by usage evidence and a champion who wants it.',
    durationDays: 60,
    prerequisites: [
      'Health healthy or improving, with no open critical escalation.',
      'An engaged champion on the customer’s side.',
      'The account executive aligned on the opportunity.',
    ],
    successCriteria: [
      'An expansion opportunity qualified and handed to sales with a documented use case.',
      'The champion confirms the business case.',
      'Health does not fall while the playbook runs.',
    ],
    steps: [
      {
        title: 'Validate the signal',
        guidance: 'Check the health trend, usage growth and the upsell and expansion KPIs, and make sure no escalation is open.',
      },
      {
        title: 'Map the whitespace',
        guidance: 'Teams, regions and products not yet using us, and headroom in the current licences.',
      },
      {
        title: 'Meet the champion',
        guidance: 'Confirm their new goals and who else in the organisation would benefit.',
      },
      {
        title: 'Build the business case with the champion',
        guidance: 'The value achieved so far and the value the expansion would add, in the customer’s numbers.',
      },
      {
        title: 'Qualify with the account executive',
        guidance: 'A joint session to confirm budget, authority, need and timing.',
      },
      {
        title: 'Hand over to sales',
        guidance: 'Pass the documented use case and stakeholders, and agree who leads which conversation.',
      },
      {
        title: 'Track to a decision',
        guidance: 'Follow the opportunity until it is won or lost and record the outcome and the reasons.',
      },
    ],
  },
];

const byKey = new Map<string, Playbook>(playbooks.map((p) => [p.key, p]));

export function playbookFor(key: string): Playbook {
  const playbook = byKey.get(key);
  if (!playbook) throw new Error(`Unknown playbook "${key}"`);
  return playbook;
}

/** The catalogue, as the API lists it. */
export function listPlaybooks(): readonly Playbook[] {
  return playbooks;
}
