//! The phase's stream of generated requests, sent concurrently and judged in order.
//!
//! A blocking thread draws the requests from one deterministic proptest runner (value trees are
//! not `Send`) and hands each, built and with the contract rules it exercises, to the async side
//! through a bounded channel. The async side keeps up to `--concurrency` of them in flight and
//! takes their answers back in the order they were drawn ([`StreamExt::buffered`]), so which
//! request failed first, and every verdict, is the same at any concurrency. Only the first request
//! to fail each check is kept (with the generator's state just before it, to rebuild its value
//! tree for shrinking); every other request is dropped once judged.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::stream::StreamExt;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRng;

use super::{
    is_new_failure, strategy, stream_runner, Candidate, Evaluation, GeneratedError, GeneratedStop, PhaseInputs,
    MAX_REJECTS,
};
use crate::check::{self, CheckId};
use crate::finding::Coverage;
use crate::oracle::coverage::{self, Exercised};
use crate::request::WireRequest;
use crate::source::Case;

/// How many drawn requests may wait for a free slot: enough that the sender never starves.
const QUEUE: usize = 256;

/// One request drawn from the stream, ready to send.
struct Drawn {
    /// Its 1-based number in the phase.
    number: usize,
    /// The generator's state just before it was drawn.
    rng: TestRng,
    case: Case,
    request: WireRequest,
    exercised: Exercised,
}

/// What the stream left for shrinking and the phase's report.
pub(in crate::runner) struct Streamed {
    /// Requests sent and judged.
    pub sent: usize,
    /// Why the stream stopped early, if it did.
    pub stopped: Option<GeneratedStop>,
    /// How many requests exercised each rule.
    pub coverage: Coverage,
    /// The first request to fail each check, in the order they were drawn.
    pub candidates: Vec<Candidate>,
}

/// The drawing thread: the phase's inputs, and the flag the async side sets when it stops taking
/// answers (a request got none).
struct Draw {
    inputs: PhaseInputs,
    halt: Arc<AtomicBool>,
}

impl Draw {
    /// Draws up to `cases` buildable requests into `queue`; says why it stopped early (Ctrl-C or
    /// the budget), or `None` when it drew them all or the async side stopped taking them.
    fn run(self, queue: tokio::sync::mpsc::Sender<Drawn>) -> Option<GeneratedStop> {
        let inputs = &self.inputs;
        let mut runner = stream_runner(inputs.plan.seed);
        let strategy = strategy(&inputs.bindings, &inputs.world);
        let (mut number, mut rejects) = (0usize, 0u32);
        while number < inputs.plan.cases as usize && rejects < MAX_REJECTS {
            if self.halt.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(stop) = inputs.stop_now() {
                return Some(stop);
            }
            let rng = runner.rng().clone();
            let Ok(tree) = strategy.new_tree(&mut runner) else { break };
            let Ok((case, request)) = inputs.build(&tree.current()) else {
                rejects += 1; // a placeholder this target cannot resolve
                continue;
            };
            number += 1;
            let exercised = coverage::exercised(&request.body, &inputs.world, case.check);
            if queue.blocking_send(Drawn { number, rng, case, request, exercised }).is_err() {
                return None;
            }
        }
        None
    }
}

/// Sends the phase's stream and judges every answer in the order it was drawn.
pub(in crate::runner) async fn send_stream(inputs: &PhaseInputs) -> Result<Streamed, GeneratedError> {
    let halt = Arc::new(AtomicBool::new(false));
    let draw = Draw { inputs: inputs.clone(), halt: halt.clone() };
    let (queue, mut drawn) = tokio::sync::mpsc::channel(QUEUE);
    let drawing = tokio::task::spawn_blocking(move || draw.run(queue));
    let client = &inputs.client;
    // Boxed, not pinned on the stack, so that dropping it drops the receiver (and the requests
    // in flight) at once.
    let mut answers = Box::pin(
        futures::stream::poll_fn(move |cx| drawn.poll_recv(cx))
            .map(|d: Drawn| async move {
                let answer = client.send(&d.request).await;
                (d, answer)
            })
            .buffered(inputs.plan.concurrency.max(1)),
    );
    let mut streamed = Streamed {
        sent: 0,
        stopped: None,
        coverage: Coverage::with_rows(coverage::REQUEST_CHECKS, coverage::REQUEST_EITHER_RULES),
        candidates: Vec::new(),
    };
    let mut failed = std::collections::BTreeSet::new();
    while let Some((d, answer)) = answers.next().await {
        streamed.sent = d.number;
        streamed.coverage.count(&d.exercised.checks, &d.exercised.either);
        inputs.tell_progress(d.number);
        match answer {
            Ok(response) => {
                let findings = check::judge_exchange(&d.case, &d.request, &response, inputs.opts);
                let evaluation = Evaluation { case: d.case, request: d.request, response, findings };
                keep_if_new(&mut streamed.candidates, &mut failed, d.rng, evaluation);
            }
            // Given up after every attempt was throttled: not judged (the report counts it, and a
            // run with such requests cannot pass).
            Err(e) if e.is_throttled() => {}
            Err(e) => {
                let repro = client.repro(&d.request);
                streamed.stopped = Some(GeneratedStop::NoAnswer { request: d.number, error: e.to_string(), repro });
                halt.store(true, Ordering::Relaxed);
                break;
            }
        }
    }
    drop(answers); // the drawing thread's next send fails, and it ends
    let drawn_stop = drawing.await.map_err(|e| GeneratedError::Panicked(e.to_string()))?;
    streamed.stopped = streamed.stopped.or(drawn_stop);
    Ok(streamed)
}

/// Keeps `evaluation` as a candidate when it fails a check no earlier request failed.
fn keep_if_new(
    candidates: &mut Vec<Candidate>,
    failed: &mut std::collections::BTreeSet<CheckId>,
    rng: TestRng,
    evaluation: Evaluation,
) {
    if is_new_failure(&evaluation, failed) {
        failed.extend(evaluation.findings.iter().map(|f| f.check));
        candidates.push(Candidate { rng, evaluation });
    }
}
